/**
 * Scheduled jobs (`cairn schedule add|list|remove`): `schedules.json` in the
 * home holds what to submit and how often; `schedule-runs.json`, written
 * only by the daemon, which period of each schedule it last handled. Two
 * files so the CLI and a running daemon never rewrite each other's. A
 * setting of this node only: it is not replicated.
 *
 * A schedule's periods start at its origin: its creation, or with a time
 * of day (`--at HH:MM`, UTC, whole-day intervals only) the first such time
 * at or after its creation; period k is [origin + k * every, origin + (k+1)
 * * every). A period is due once; a daemon that was down for several
 * periods handles only the current one when it starts.
 */
import { join } from 'node:path'
import { atMinutes, intervalMs, SCHEDULE_NAME, wholeDays } from '../../machines/schedule.js'
import { CairnError } from '../../protocol/errors.js'
import { readJson, writeJson } from './home.js'

export interface Schedule {
  name: string
  everyMs: number
  repo: string
  ref: string
  /** A recipe file (absolute), read when the job is due; null: the tree's own. */
  recipe: string | null
  profile: string
  tags: string[]
  /** When it was added (ms since the epoch): its periods start here, unless `at` says a time of day. */
  created: number
  /** Minutes after 00:00 UTC at which its periods start (whole-day intervals). */
  at?: number
}

const DAY_MS = 86_400_000

/** What `cairn schedule add` and POST /api/schedules ask for (node/cli/schedule-make.ts checks it). */
export interface ScheduleInput {
  every: string
  repo: string
  ref: string
  recipe?: string
  profile?: string
  /** Comma-separated, as --tags. */
  tags?: string
  name?: string
  /** HH:MM UTC. */
  at?: string
}

/** Per schedule: the period last handled, of the schedule created at `created` (a name removed and added again starts afresh). */
type Runs = Record<string, { created: number, period: number, at: number }>


const schedulesFile = (home: string): string => join(home, 'schedules.json')
const runsFile = (home: string): string => join(home, 'schedule-runs.json')

/** `--every`: NUMBER+UNIT parts (machines/interval.ts). */
export function parseInterval (text: string): number {
  const ms = intervalMs(text)
  if (ms === null) throw new CairnError('BAD_INTERVAL', `--every "${text}" is not an interval of at least a minute such as 1d, 12h, 1w or 30m`)
  return ms
}

/** `--at HH:MM` (UTC) for an interval of whole days; minutes after midnight. */
export function parseAt (text: string, everyMs: number): number {
  const at = atMinutes(text)
  if (at === null) throw new CairnError('BAD_SCHEDULE_AT', `--at "${text}" is not a UTC time of day HH:MM such as 02:00`)
  if (!wholeDays(everyMs)) throw new CairnError('BAD_SCHEDULE_AT', '--at needs an --every of whole days (1d, 2d, 1w): a time of day has no meaning for shorter periods')
  return at
}

export function checkScheduleName (name: string): string {
  if (!SCHEDULE_NAME.test(name)) throw new CairnError('BAD_SCHEDULE_NAME', `schedule name "${name}" must be letters, digits and ._- (at most 100, not starting with . _ or -)`)
  return name
}

export function readSchedules (home: string): Schedule[] {
  const file = schedulesFile(home)
  const s = readJson<{ schedules?: unknown }>(file, { schedules: [] })
  if (!Array.isArray(s.schedules)) throw new CairnError('HOME_CORRUPT', `${file}: "schedules" must be a list; fix it or remove the file`)
  return s.schedules as Schedule[]
}

export function addSchedule (home: string, schedule: Schedule): void {
  const all = readSchedules(home)
  if (all.some((s) => s.name === schedule.name)) throw new CairnError('SCHEDULE_EXISTS', `a schedule named ${schedule.name} exists; remove it first (cairn schedule remove ${schedule.name}) or give --name`)
  writeJson(schedulesFile(home), { schedules: [...all, schedule] })
}

export function removeSchedule (home: string, name: string): Schedule {
  const all = readSchedules(home)
  const gone = all.find((s) => s.name === name)
  if (gone === undefined) throw new CairnError('SCHEDULE_UNKNOWN', `no schedule named ${name}; cairn schedule list shows them`)
  writeJson(schedulesFile(home), { schedules: all.filter((s) => s !== gone) })
  return gone
}

/** Where period 0 starts: the creation, or the first `at` time of day at or after it. */
function origin (schedule: Schedule): number {
  if (schedule.at === undefined) return schedule.created
  const t = Math.floor(schedule.created / DAY_MS) * DAY_MS + schedule.at * 60_000
  return t >= schedule.created ? t : t + DAY_MS
}

/** The period `now` falls in (0 from the origin on; -1 before it: before the first `at`, or a clock set back). */
function periodAt (schedule: Schedule, now: number): number {
  return Math.floor((now - origin(schedule)) / schedule.everyMs)
}

/** The period this schedule last had handled, and when; null: never. */
export function lastRun (home: string, schedule: Schedule): { period: number, at: number } | null {
  const run = readJson<Runs>(runsFile(home), {})[schedule.name]
  return run === undefined || run.created !== schedule.created ? null : run
}

/** Whether the period `now` falls in is one not handled yet. */
export function isDue (home: string, schedule: Schedule, now: number): boolean {
  const period = periodAt(schedule, now)
  return period >= 0 && (lastRun(home, schedule)?.period ?? -1) < period
}

/** When the next period starts after `now`. */
export function nextDue (schedule: Schedule, now: number): number {
  return origin(schedule) + Math.max(0, periodAt(schedule, now) + 1) * schedule.everyMs
}

/** The daemon handled the period `now` falls in; schedules no longer listed are dropped from the record. */
export function recordRun (home: string, schedule: Schedule, now: number, listed: readonly Schedule[]): void {
  const runs = readJson<Runs>(runsFile(home), {})
  const kept: Runs = {}
  for (const s of listed) if (runs[s.name] !== undefined) kept[s.name] = runs[s.name] as Runs[string]
  kept[schedule.name] = { created: schedule.created, period: periodAt(schedule, now), at: now }
  writeJson(runsFile(home), kept)
}
