/**
 * A test's or a suite's history across results: per result, what it tested
 * (a baseline at a ref or commit, or a series revision; the job's repo and
 * profile) and the test's status or the suite's counts there, oldest first.
 *
 * Which results belong to a history: those that hold the test (or a test of
 * the suite), and every other result of the same repo and profile, where
 * the test is then `missing` (it was removed, renamed, or the run stopped
 * before it). A `reused` result stands for the run it reuses.
 */
import { changes, inSuite, outcomeCounts, outcomeOf, suiteIn, testIn } from '../../protocol/history.js'
import type { Change, Outcome, SuiteInResult, TestInResult } from '../../protocol/history.js'
import type { ResultTest } from '../../protocol/results.js'
import type { Views } from './views.js'
import { testedOf } from '../wire/tested.js'
import type { TestedJson } from '../wire/types.js'
import { flakyTests } from './flakes.js'
import { allResults, resolveResult } from './results.js'
import type { ResultEvent } from './results.js'

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

interface Candidate { tested: Tested, tests: readonly ResultTest[], scope: string | null }

function describe (views: Views, e: ResultEvent): Candidate {
  const run = resolveResult(views, e)
  const what = testedOf(views, e)
  const tested: Tested = {
    id: e.id,
    ts: e.ts,
    runner: e.author,
    verdict: e.body.verdict,
    tested: run?.id ?? null,
    job: e.body.job ?? null,
    ...what,
    build: e.body.build,
    testRun: e.body.testRun
  }
  return { tested, tests: run?.body.tests ?? [], scope: what.repo === null || what.profile === null ? null : `${what.repo}\n${what.profile}` }
}

/** What every result tested, oldest first; derived once per views version. */
function candidates (views: Views): Candidate[] {
  return views.derive('history/candidates', (v) => allResults(v).map((e) => describe(v, e)))
}

function matches (t: Tested, filter: HistoryFilter): boolean {
  return (filter.profile === undefined || t.profile === filter.profile) &&
    (filter.runner === undefined || t.runner === filter.runner) &&
    (filter.kind === undefined || t.kind === filter.kind) &&
    (filter.since === undefined || t.ts >= filter.since)
}

/** The results of a history: those `holds` says hold it, and the others of the same repo and profile. */
function inScope (views: Views, filter: HistoryFilter, holds: (tests: readonly ResultTest[]) => boolean): Candidate[] {
  const picked = candidates(views).filter((c) => matches(c.tested, filter))
  const held = picked.map((c) => holds(c.tests))
  const scopes = new Set(picked.filter((c, i) => held[i] === true && c.scope !== null).map((c) => c.scope))
  return picked.filter((c, i) => held[i] === true || (c.scope !== null && scopes.has(c.scope)))
}

function withChanges<P extends Tested & { outcome: Outcome, flake: boolean }> (points: P[]): History<P & Change> {
  const marks = changes(points)
  const out = points.map((p, i) => ({ ...p, ...(marks[i] as Change) }))
  return { points: out, counts: outcomeCounts(out) }
}

/** One test's status in every result of its history, oldest first. */
export function testHistory (views: Views, test: string, filter: HistoryFilter = {}): History<TestPoint> {
  const scoped = inScope(views, filter, (tests) => tests.some((t) => t.name === test))
  return withChanges(scoped.map((c) => {
    const { detail: _detail, ...found } = testIn(c.tests, test) // details stay on the result page: a history of 500 runs would carry them all
    const flaky = flakyTests(views, [c.tested.testRun]).has(test) ? [test] : []
    return { ...c.tested, ...found, outcome: outcomeOf(found.status), flaky, flake: flaky.length > 0 }
  }))
}

/** A suite's counts in every result of its history, oldest first. */
export function suiteHistory (views: Views, suite: string, filter: HistoryFilter = {}): History<SuitePoint> {
  const scoped = inScope(views, filter, (tests) => tests.some((t) => inSuite(t.name, suite)))
  return withChanges(scoped.map((c) => {
    const s = suiteIn(c.tests, suite)
    const under = flakyTests(views, [c.tested.testRun])
    const flaky = s.failing.filter((t) => under.has(t))
    const failing = s.counts.fail + s.counts.error + s.counts.xpass
    return { ...c.tested, ...s, flaky, flake: s.outcome === 'fail' && flaky.length === failing }
  }))
}
