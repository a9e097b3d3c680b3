/**
 * A project's CI configuration (`ci.yaml`, given to `cairn start --ci`):
 * which series the daemon tests, where and how, which results a verdict
 * waits for, and where the verdict mail goes. Errors are CairnError POLICY
 * naming the file and line, as the policy's are. Paths stay as written: the
 * caller resolves them against the file's folder (machines/ does no I/O).
 */
import { parseMetricGate } from './metric-gate.js'
import type { MetricGate } from './metric-gate.js'
import { atMinutes, intervalMs, SCHEDULE_NAME, wholeDays } from './schedule.js'
import { matchesAny } from './match.js'
import { fail, glob, list, mapping, parseChecked } from './yaml-check.js'
import type { Path } from './yaml-check.js'

/** Where verdict mails go: an SMTP server, or an outbox a local MTA picks up. */
type VerdictTarget =
  | { kind: 'smtp', hostPort: string }
  | { kind: 'maildir', dir: string }
  | { kind: 'mbox', file: string }

export interface CiConfig {
  /** Which series: every filter given must match (within one, any entry). */
  series: { lists: string[], paths: string[], subjects: string[] }
  repo: string
  base: string
  /** A recipe file; null: the tree's own checked-in recipe. */
  recipe: string | null
  /** One job per profile. */
  profiles: string[]
  tags: string[]
  /** The profiles whose results the verdict waits for. */
  required: string[]
  verdict: { target: VerdictTarget, from: string | null, to: string[] | null }
  /** Baseline jobs of a ref every interval (periods counted from the epoch: 1d at 00:00 UTC). */
  schedules: CiSchedule[]
  /** Metric regressions against the baseline that fail a verdict (machines/metric-gate.ts); null: none do. */
  metrics: MetricGate | null
}

/** `at`: minutes after 00:00 UTC at which each period starts (whole-day intervals). */
interface CiSchedule { name: string, everyMs: number, ref: string, profile: string, at?: number }

const TOP_KEYS = ['series', 'repo', 'base', 'recipe', 'profiles', 'tags', 'required', 'verdict', 'schedules', 'metrics']
const PROFILE = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/
const TAG = /^[^\s,]{1,100}$/
const HOST_PORT = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/

function text (v: unknown, path: Path, what: string): string {
  if (typeof v !== 'string' || v.trim() === '') fail(path, `must be ${what}`)
  return v
}

function strings (v: unknown, path: Path, check: (item: unknown, path: Path) => string): string[] {
  if (v === undefined) return []
  const out: string[] = []
  list(v, path).forEach((item, i) => {
    const s = check(item, [...path, i])
    if (out.includes(s)) fail([...path, i], `repeats ${s}`)
    out.push(s)
  })
  return out
}

const matching = (re: RegExp, what: string) => (item: unknown, path: Path): string => {
  if (typeof item !== 'string' || !re.test(item)) fail(path, `must be ${what}`)
  return item
}

function verdict (v: unknown, path: Path): CiConfig['verdict'] {
  if (v === undefined) fail(path, 'is missing (where verdict mails go: smtp: HOST:PORT, maildir: DIR or mbox: FILE)')
  const r = mapping(v, path, ['smtp', 'maildir', 'mbox', 'from', 'to'])
  const given = (['smtp', 'maildir', 'mbox'] as const).filter((k) => r[k] !== undefined)
  if (given.length !== 1) fail(path, `needs exactly one of smtp, maildir, mbox (${given.length === 0 ? 'none' : given.join(' and ')} given)`)
  const kind = given[0] as 'smtp' | 'maildir' | 'mbox'
  const where = [...path, kind]
  const target: VerdictTarget = kind === 'smtp'
    ? { kind, hostPort: matching(HOST_PORT, 'HOST:PORT, such as 127.0.0.1:25')(r.smtp, where) }
    : kind === 'maildir' ? { kind, dir: text(r.maildir, where, 'a folder') } : { kind, file: text(r.mbox, where, 'a file') }
  const from = r.from === undefined ? null : text(r.from, [...path, 'from'], 'an address, such as "CI <ci@example.org>"')
  const to = r.to === undefined ? null : strings(r.to, [...path, 'to'], (item, p) => text(item, p, 'an address'))
  if (to !== null && to.length === 0) fail([...path, 'to'], 'must name at least one address (leave it out to reply to the author and the list)')
  return { target, from, to }
}

function schedules (v: unknown, profiles: readonly string[]): CiSchedule[] {
  const out: CiSchedule[] = []
  if (v === undefined) return out
  list(v, ['schedules']).forEach((item, i) => {
    const path = ['schedules', i]
    const r = mapping(item, path, ['name', 'every', 'ref', 'profile', 'at'])
    const name = matching(SCHEDULE_NAME, 'a name of letters, digits and ._-')(r.name, [...path, 'name'])
    if (out.some((s) => s.name === name)) fail([...path, 'name'], `repeats ${name}`)
    const every = text(r.every, [...path, 'every'], 'an interval such as 1d, 12h or 1w')
    const everyMs = intervalMs(every)
    if (everyMs === null) fail([...path, 'every'], `must be an interval of at least a minute such as 1d, 12h, 1w or 30m, not "${every}"`)
    const profile = r.profile === undefined ? profiles[0] as string : matching(PROFILE, 'a test profile')(r.profile, [...path, 'profile'])
    out.push({ name, everyMs, ref: text(r.ref, [...path, 'ref'], 'the ref to test, such as main'), profile, ...timeOfDay(r.at, everyMs, [...path, 'at']) })
  })
  return out
}

/** `at: 'HH:MM'` (UTC), for whole-day intervals. */
function timeOfDay (v: unknown, everyMs: number, path: Path): { at?: number } {
  if (v === undefined) return {}
  const at = typeof v === 'string' ? atMinutes(v) : null
  if (at === null) fail(path, "must be a UTC time of day 'HH:MM' such as '02:00'")
  if (!wholeDays(everyMs)) fail(path, 'needs an interval of whole days (1d, 1w): a time of day has no meaning for shorter periods')
  return { at }
}

function validate (value: unknown): CiConfig {
  const top = mapping(value, [], TOP_KEYS, 'the CI configuration must be a mapping with repo, base and verdict')
  const filters = top.series === undefined ? {} : mapping(top.series, ['series'], ['lists', 'paths', 'subjects'])
  const profiles = top.profiles === undefined ? ['default'] : strings(top.profiles, ['profiles'], matching(PROFILE, 'a test profile (letters, digits and ._+-)'))
  if (profiles.length === 0) fail(['profiles'], 'must name at least one test profile')
  const required = top.required === undefined ? [...profiles] : strings(top.required, ['required'], matching(PROFILE, 'a test profile'))
  required.forEach((p, i) => { if (!profiles.includes(p)) fail(['required', i], `names ${p}, which is not one of profiles (${profiles.join(', ')})`) })
  if (required.length === 0) fail(['required'], 'must name at least one profile: a verdict needs a result to speak of')
  return {
    series: {
      lists: strings(filters.lists, ['series', 'lists'], (item, p) => text(item, p, 'a list (its address or List-Id)')),
      paths: strings(filters.paths, ['series', 'paths'], glob),
      subjects: strings(filters.subjects, ['series', 'subjects'], (item, p) => text(item, p, 'a keyword')).map((s) => s.toLowerCase())
    },
    repo: text(top.repo, ['repo'], 'the repository jobs apply the series to (a path or URL)'),
    base: top.base === undefined ? 'HEAD' : text(top.base, ['base'], 'a ref or commit, such as main'),
    recipe: top.recipe === undefined ? null : text(top.recipe, ['recipe'], 'a recipe file'),
    profiles,
    tags: strings(top.tags, ['tags'], matching(TAG, 'a runner tag (no spaces or commas)')).sort(),
    required,
    verdict: verdict(top.verdict, ['verdict']),
    schedules: schedules(top.schedules, profiles),
    metrics: parseMetricGate(top.metrics, ['metrics'])
  }
}

/** Parse and check a CI configuration; CairnError POLICY "ci.yaml line 4: ..." when it is not one. */
export function parseCiConfig (text: string, file = 'ci.yaml'): CiConfig {
  return parseChecked(text, file, 'POLICY', validate)
}

/** Whether a series is one the configuration tests; touched null: leave the paths filter out (its paths are not read yet). */
export function seriesMatches (config: CiConfig, series: { list: string | undefined, subject: string }, touched: readonly string[] | null): boolean {
  const { lists, paths, subjects } = config.series
  if (lists.length > 0 && (series.list === undefined || !lists.some((l) => sameList(l, series.list as string)))) return false
  const subject = series.subject.toLowerCase()
  if (subjects.length > 0 && !subjects.some((k) => subject.includes(k))) return false
  return touched === null || paths.length === 0 || paths.some((g) => matchesAny(g, touched).length > 0)
}

/** A list named by address or List-Id (`<xfs.example.org>`, `xfs@example.org`, `xfs.example.org`): the same list. */
function sameList (a: string, b: string): boolean {
  const norm = (s: string): string => s.trim().replace(/^<|>$/g, '').replace('@', '.').toLowerCase()
  return norm(a) === norm(b)
}
