import { resolve } from 'node:path'
import { jobRequestBody } from '../../../runners/submit.js'
import { CairnError } from '../../../protocol/errors.js'
import { homePaths, isInitialised } from '../../storage/home.js'
import { formatInterval } from '../../../machines/schedule.js'
import { addSchedule, checkScheduleName, isDue, lastRun, nextDue, parseInterval, readSchedules, removeSchedule } from '../../storage/schedules.js'
import type { Schedule } from '../../storage/schedules.js'
import type { Args, Command, Context } from '../command.js'
import { usageError } from '../command.js'
import { printRows } from '../output.js'
import type { scheduleSpec } from '../specs/schedule.js'

type Subs = (typeof scheduleSpec)['subcommands']

function initialised (home: string): void {
  if (!isInitialised(homePaths(home))) throw new CairnError('NOT_INITIALISED', `no node in ${home}; run: cairn init --name NAME (or cairn start)`)
}

/** Checked as `job submit` checks a baseline job (repo, ref, recipe), then kept in the home for the daemon. */
async function add (ctx: Context, { values }: Args<Subs[0]>): Promise<void> {
  initialised(ctx.home)
  const everyMs = parseInterval(values.every)
  const tags = values.tags === undefined ? [] : [...new Set(values.tags.split(',').map((t) => t.trim()).filter((t) => t !== ''))].sort()
  if (values.profile !== undefined && values.profile.trim() === '') throw usageError('--profile must not be empty')
  const recipe = values.recipe === undefined ? null : resolve(values.recipe)
  const { body } = await jobRequestBody(null, {
    repo: values.repo,
    ref: values.ref,
    tags,
    ...(recipe === null ? {} : { recipePath: recipe }),
    ...(values.profile === undefined ? {} : { profile: values.profile })
  })
  const name = checkScheduleName(values.name ?? `${body.project}-${values.ref}-${values.every}`.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[._-]+/, ''))
  const schedule: Schedule = { name, everyMs, repo: body.repo, ref: values.ref, recipe, profile: body.profile, tags, created: Date.now() }
  addSchedule(ctx.home, schedule)
  ctx.io.out(`schedule ${name}: ${values.ref} of ${body.repo} every ${formatInterval(everyMs)} (now at ${body.base.slice(0, 12)}); the daemon (cairn start) submits it, the first at once`)
}

interface ScheduleRow extends Omit<Schedule, 'created'> { every: string, created: string, lastRun: string | null, nextRun: string }

function row (home: string, s: Schedule, now: number): ScheduleRow {
  const last = lastRun(home, s)
  const { created, ...rest } = s
  return {
    ...rest,
    every: formatInterval(s.everyMs),
    created: new Date(created).toISOString(),
    lastRun: last === null ? null : new Date(last.at).toISOString(),
    nextRun: new Date(isDue(home, s, now) ? now : nextDue(s, now)).toISOString()
  }
}

async function list (ctx: Context, { values }: Args<Subs[1]>): Promise<void> {
  const now = Date.now()
  const rows = readSchedules(ctx.home).map((s) => row(ctx.home, s, now))
  printRows(ctx.io, values, rows, (r) => r, (r) =>
    `${r.name} every ${r.every} ${r.ref} ${r.repo}${r.recipe === null ? '' : ` recipe ${r.recipe}`} profile ${r.profile}${r.tags.length > 0 ? ` [${r.tags.join(',')}]` : ''} last ${r.lastRun ?? 'never'} next ${r.nextRun}`)
}

async function remove (ctx: Context, { positionals }: Args<Subs[2]>): Promise<void> {
  const gone = removeSchedule(ctx.home, positionals[0] as string)
  ctx.io.out(`schedule ${gone.name} removed; its jobs and results stay`)
}

export const schedule: Command = { subcommands: { add, list, remove } }
