import { resolve } from 'node:path'
import { formatInterval } from '../../machines/schedule.js'
import { jobRequestBody } from '../../runners/submit.js'
import { checkScheduleName, parseAt, parseInterval } from '../storage/schedules.js'
import type { Schedule, ScheduleInput } from '../storage/schedules.js'
import { usageError } from './parse.js'

/**
 * A schedule checked as `job submit` checks a baseline job (repo, ref,
 * recipe), not kept yet; `line` says what it is for the one who asked.
 */
export async function makeSchedule (input: ScheduleInput, now: number): Promise<{ schedule: Schedule, line: string }> {
  const everyMs = parseInterval(input.every)
  const at = input.at === undefined ? undefined : parseAt(input.at, everyMs)
  const tags = input.tags === undefined ? [] : [...new Set(input.tags.split(',').map((t) => t.trim()).filter((t) => t !== ''))].sort()
  if (input.profile !== undefined && input.profile.trim() === '') throw usageError('--profile must not be empty')
  const recipe = input.recipe === undefined ? null : resolve(input.recipe)
  const { body } = await jobRequestBody(null, {
    repo: input.repo,
    ref: input.ref,
    tags,
    ...(recipe === null ? {} : { recipePath: recipe }),
    ...(input.profile === undefined ? {} : { profile: input.profile })
  })
  const name = checkScheduleName(input.name ?? `${body.project}-${input.ref}-${input.every}`.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[._-]+/, ''))
  const schedule: Schedule = { name, everyMs, repo: body.repo, ref: input.ref, recipe, profile: body.profile, tags, created: now, ...(at === undefined ? {} : { at }) }
  const when = at === undefined ? 'the first at once' : `each at ${input.at ?? ''} UTC`
  return { schedule, line: `schedule ${name}: ${input.ref} of ${body.repo} every ${formatInterval(everyMs)} (now at ${body.base.slice(0, 12)}); the daemon (cairn start) submits it, ${when}` }
}
