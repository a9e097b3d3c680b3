/**
 * A test's or a suite's history across results: per result, what it tested
 * (a baseline at a ref or commit, or a series revision; the job's repo and
 * profile) and the test's status or the suite's counts there, oldest first.
 *
 * Which results belong to a history: those that hold the test (or a test of
 * the suite), and every other result of the same repo and profile, where
 * the test is then `missing` (it was removed, renamed, or the run stopped
 * before it). A `reused` result stands for the run it reuses.
 *
 * Read from rows (result-rows.ts): the test's (or suite's) rows, the results
 * of the scopes they are in; never a result's body.
 */
import { changes, outcomeCounts, outcomeOf, suiteOf } from '../../protocol/history.js'
import type { Change, Outcome, SuiteInResult, TestInResult } from '../../protocol/history.js'
import type { TestStatus } from '../../protocol/results.js'
import { byTsThenId } from './indexed.js'
import type { Views } from './views.js'
import { testedOf } from '../wire/tested.js'
import type { TestedJson } from '../wire/types.js'
import { flakyAmong } from './flakes.js'
import { MAX_REUSE_HOPS } from './result-rows.js'
import type { ResultRow, TestRow } from './result-rows.js'

export type HistoryKind = 'baseline' | 'revision'

export interface HistoryFilter {
  /** The job's profile. */
  profile?: string
  /** The identity that published the result. */
  runner?: string
  /** Only baselines (a repo at a ref) or only series revisions. */
  kind?: HistoryKind
  /** Only results published at or after this time (ms): the archive cut-off (storage/archive-setting.ts). */
  since?: number
}

/** A result and what it tested (wire/tested.ts; null fields where this node does not have the job). */
interface Tested extends TestedJson {
  /** The result's EventId. */
  id: string
  ts: number
  runner: string
  verdict: string
  /** The run whose tests were read: the result itself, or the one a `reused` result reuses (null: not here). */
  tested: string | null
  job: string | null
  build: string
  testRun: string
}

/**
 * What the flake ledger says of a point: `flaky`, the tests of it (the test;
 * a suite's failing ones) flaky under its run's test-run identity; `flake`,
 * its outcome is only theirs (it neither makes nor hides a change).
 */
interface Flakes { flaky: string[], flake: boolean }

export type TestPoint = Tested & Omit<TestInResult, 'detail'> & { outcome: Outcome } & Flakes & Change
export type SuitePoint = Tested & SuiteInResult & Flakes & Change

export interface History<P> {
  points: P[]
  counts: Record<Outcome, number>
}

/** A result of a history, and the run whose tests stand for it (null: a `reused` whose run is not here). */
interface Candidate { tested: Tested, run: number | null, scope: string | null }

function describe (views: Views, row: ResultRow, run: ResultRow | null): Candidate {
  const what = testedOf(views, row)
  const tested: Tested = {
    id: row.id,
    ts: row.ts,
    runner: row.author,
    verdict: row.verdict,
    tested: run?.id ?? null,
    job: row.job,
    ...what,
    build: row.build,
    testRun: row.testRun
  }
  return { tested, run: run?.n ?? null, scope: what.repo === null || what.profile === null ? null : `${what.repo}\n${what.profile}` }
}

function matches (t: Tested, filter: HistoryFilter): boolean {
  return (filter.profile === undefined || t.profile === filter.profile) &&
    (filter.runner === undefined || t.runner === filter.runner) &&
    (filter.kind === undefined || t.kind === filter.kind) &&
    (filter.since === undefined || t.ts >= filter.since)
}

/**
 * The results of a history, oldest first: those whose run holds it (`runs`,
 * the runs' rows; and every result that reuses one of them, as far as
 * resolveResult follows), and the others of the same repo and profile.
 */
function inScope (views: Views, filter: HistoryFilter, runs: readonly number[]): Candidate[] {
  const rows = views.resultRows
  const picked = new Map<number, Candidate>()
  let level = runs.flatMap((n) => rows.byN(n) ?? []).map((run) => ({ row: run, run }))
  for (let hop = 0; level.length > 0 && hop < MAX_REUSE_HOPS; hop++) {
    for (const { row, run } of level) {
      const c = describe(views, row, run)
      if (matches(c.tested, filter)) picked.set(row.n, c)
    }
    level = level.flatMap(({ row, run }) => rows.reusers(row.id).map((u) => ({ row: u, run })))
  }
  const scopes = new Set([...picked.values()].flatMap((c) => c.scope ?? []))
  for (const scope of scopes) {
    for (const row of rows.ofScope(scope)) {
      if (picked.has(row.n)) continue
      const c = describe(views, row, rows.resolve(row))
      if (matches(c.tested, filter)) picked.set(row.n, c)
    }
  }
  return [...picked.values()].sort((a, b) => byTsThenId(a.tested, b.tested))
}

function withChanges<P extends Tested & { outcome: Outcome, flake: boolean }> (points: P[]): History<P & Change> {
  const marks = changes(points)
  const out = points.map((p, i) => ({ ...p, ...(marks[i] as Change) }))
  return { points: out, counts: outcomeCounts(out) }
}

/** One test's status in every result of its history, oldest first. */
export function testHistory (views: Views, test: string, filter: HistoryFilter = {}): History<TestPoint> {
  const held = new Map(views.resultRows.holders(test).map((t) => [t.result, t]))
  const flakyIn = flakyAmong(views)
  return withChanges(inScope(views, filter, [...held.keys()]).map((c) => {
    const t = c.run === null ? undefined : held.get(c.run)
    // details stay on the result page: a history of 500 runs would carry them all
    const found: Omit<TestInResult, 'detail'> = t === undefined ? { status: 'missing' } : { status: t.status as TestStatus, ...(t.duration === null ? {} : { duration: t.duration }) }
    const flaky = flakyIn(c.tested.testRun, [test])
    return { ...c.tested, ...found, outcome: outcomeOf(found.status), flaky, flake: flaky.length > 0 }
  }))
}

/** A suite's counts in every result of its history, oldest first. */
export function suiteHistory (views: Views, suite: string, filter: HistoryFilter = {}): History<SuitePoint> {
  const rows = views.resultRows
  const counts = new Map<number, Record<TestStatus, number>>()
  for (const { result, status, n } of rows.suiteCounts(suite)) {
    let c = counts.get(result)
    if (c === undefined) counts.set(result, c = noTests())
    c[status as TestStatus] = n
  }
  const failing = new Map<number, TestRow[]>()
  for (const t of rows.suiteFailing(suite)) failing.set(t.result, [...failing.get(t.result) ?? [], t])
  const flakyIn = flakyAmong(views)
  return withChanges(inScope(views, filter, [...counts.keys()]).map((c) => {
    const rowsOf = c.run === null ? [] : failing.get(c.run) ?? []
    const s = suiteOf((c.run === null ? undefined : counts.get(c.run)) ?? noTests(), [...rowsOf].sort((a, b) => a.pos - b.pos).map((t) => t.name))
    const flaky = flakyIn(c.tested.testRun, s.failing)
    const failed = s.counts.fail + s.counts.error + s.counts.xpass
    return { ...c.tested, ...s, flaky, flake: s.outcome === 'fail' && flaky.length === failed }
  }))
}

const noTests = (): Record<TestStatus, number> => ({ pass: 0, fail: 0, error: 0, skip: 0, xfail: 0, xpass: 0 })
