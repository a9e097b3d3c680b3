import { formatAt, formatInterval } from '../../machines/schedule.js'
import { isDue, lastRun, nextDue, readSchedules } from '../storage/schedules.js'
import type { Schedule } from '../storage/schedules.js'
import type { ScheduleJson } from './types.js'

/**
 * The schedules as `cairn schedule list` and GET /api/schedules show them:
 * the CI configuration's (`ci/NAME`, read-only: its ci.yaml says them)
 * first, then the home's, each with its last and next run.
 */
export function scheduleRows (home: string, fixed: readonly Schedule[], now: number): ScheduleJson[] {
  return [...fixed.map((s) => row(home, s, now, 'ci')), ...readSchedules(home).map((s) => row(home, s, now, 'home'))]
}

function row (home: string, s: Schedule, now: number, source: ScheduleJson['source']): ScheduleJson {
  const last = lastRun(home, s)
  return {
    name: s.name,
    source,
    readOnly: source === 'ci',
    everyMs: s.everyMs,
    every: formatInterval(s.everyMs),
    at: s.at === undefined ? null : formatAt(s.at),
    repo: s.repo,
    ref: s.ref,
    recipe: s.recipe,
    profile: s.profile,
    tags: s.tags,
    created: new Date(s.created).toISOString(),
    lastRun: last === null ? null : new Date(last.at).toISOString(),
    nextRun: new Date(isDue(home, s, now) ? now : nextDue(s, now)).toISOString()
  }
}
