/**
 * Scheduled jobs (`cairn schedule add|list|remove`): `schedules.json` in the
 * home holds what to submit and how often; `schedule-runs.json`, written
 * only by the daemon, which period of each schedule it last handled. Two
 * files so the CLI and a running daemon never rewrite each other's. A
 * setting of this node only: it is not replicated.
 *
 * A schedule's periods start at its creation: period k is [created + k *
 * every, created + (k+1) * every). A period is due once; a daemon that was
 * down for several periods handles only the current one when it starts.
 */
import { join } from 'node:path'
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
  /** When it was added (ms since the epoch): its periods start here. */
  created: number
}

/** Per schedule: the period last handled, of the schedule created at `created` (a name removed and added again starts afresh). */
type Runs = Record<string, { created: number, period: number, at: number }>

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }
const MIN_EVERY_MS = 60_000
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

const schedulesFile = (home: string): string => join(home, 'schedules.json')
const runsFile = (home: string): string => join(home, 'schedule-runs.json')

/** `--every`: one or more NUMBER+UNIT parts (m, h, d, w), such as 1d, 12h, 1w or 1d12h; at least a minute. */
export function parseInterval (text: string): number {
  const m = /^(?:\d+[mhdw])+$/.test(text) ? text.match(/\d+[mhdw]/g) : null
  if (m === null) throw new CairnError('BAD_INTERVAL', `--every "${text}" is not an interval such as 1d, 12h, 1w or 30m`)
  const ms = m.reduce((n, part) => n + Number(part.slice(0, -1)) * (UNIT_MS[part.slice(-1)] as number), 0)
  if (ms < MIN_EVERY_MS || !Number.isSafeInteger(ms)) throw new CairnError('BAD_INTERVAL', `--every "${text}" must be at least 1m and at most a few thousand years`)
  return ms
}

/** 86400000 -> "1d", for lists. */
export function formatInterval (ms: number): string {
  for (const [unit, size] of [['w', UNIT_MS.w], ['d', UNIT_MS.d], ['h', UNIT_MS.h]] as const) {
    if (ms % (size as number) === 0) return `${ms / (size as number)}${unit}`
  }
  return `${ms / 60_000}m`
}

export function checkScheduleName (name: string): string {
  if (!NAME.test(name)) throw new CairnError('BAD_SCHEDULE_NAME', `schedule name "${name}" must be letters, digits and ._- (at most 100, not starting with . _ or -)`)
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

/** The period `now` falls in (0 from creation on; -1 before it, for a clock set back). */
function periodAt (schedule: Schedule, now: number): number {
  return Math.floor((now - schedule.created) / schedule.everyMs)
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
  return schedule.created + Math.max(0, periodAt(schedule, now) + 1) * schedule.everyMs
}

/** The daemon handled the period `now` falls in; schedules no longer listed are dropped from the record. */
export function recordRun (home: string, schedule: Schedule, now: number, listed: readonly Schedule[]): void {
  const runs = readJson<Runs>(runsFile(home), {})
  const kept: Runs = {}
  for (const s of listed) if (runs[s.name] !== undefined) kept[s.name] = runs[s.name] as Runs[string]
  kept[schedule.name] = { created: schedule.created, period: periodAt(schedule, now), at: now }
  writeJson(runsFile(home), kept)
}
