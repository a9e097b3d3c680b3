/**
 * Results as JSON: the API's row (counts and failing names instead of the
 * tests), the CLI's summary (a reused result resolved to the run it stands
 * for, stale marked) and the A/B comparison.
 */
import { CairnError } from '../../protocol/errors.js'
import { compareMetrics } from '../../protocol/metrics.js'
import { compareResults, isFailing } from '../../protocol/results.js'
import type { ResultTest, TestStatus } from '../../protocol/results.js'
import type { MinChange } from '../../protocol/metrics.js'
import { summarise } from '../../protocol/result-summary.js'
import { flakyTests } from '../views/flakes.js'
import { metricRepeats } from '../views/metric-repeats.js'
import { isStale, requestOf, resolveResult } from '../views/results.js'
import type { ResultEvent } from '../views/results.js'
import type { Views } from '../views/views.js'
import { testedOf } from './tested.js'
import type { ChangeJson, ComparedResultJson, ComparisonJson, MetricComparisonJson, ResultRowJson, ResultSummaryJson } from './types.js'

interface TestsSummary { counts: Record<TestStatus, number>, failing: string[] }

/** Per result event (immutable once indexed): a run of 20,000 tests is read once, not per request. */
const summaries = new WeakMap<ResultEvent, TestsSummary>()

function testsSummary (e: ResultEvent): TestsSummary {
  let summary = summaries.get(e)
  if (summary === undefined) {
    const counts: Record<TestStatus, number> = { pass: 0, fail: 0, error: 0, skip: 0, xfail: 0, xpass: 0 }
    for (const t of e.body.tests) counts[t.status]++
    summary = { counts, failing: e.body.tests.filter((t) => isFailing(t.status)).slice(0, 20).map((t) => t.name) }
    summaries.set(e, summary)
  }
  return summary
}

export function statusCounts (e: ResultEvent): Record<TestStatus, number> {
  return { ...testsSummary(e).counts }
}

/** A result without its (possibly huge) test list: counts per status and the failing names instead, a reused result's from the run it stands for. */
export function resultRow (views: Views, e: ResultEvent): ResultRowJson {
  const { tests: _tests, ...rest } = e.body
  const run = resolveResult(views, e)
  const counted = run ?? e
  return {
    id: e.id,
    type: e.type,
    author: e.author,
    ts: e.ts,
    refs: e.refs,
    feed: e.feed,
    seq: e.seq,
    body: rest,
    total: run === null ? 0 : run.body.tests.length,
    counts: statusCounts(counted),
    failing: run === null ? [] : [...testsSummary(run).failing],
    run: run?.id ?? null,
    tested: testedOf(views, { job: e.body.job ?? null, build: e.body.build }),
    stale: isStale(views, e.body)
  }
}

/** The tests of a result, through a `reused` result to the run it stands for. */
export function testsOf (views: Views, e: ResultEvent): { tests: ResultTest[], source: ResultEvent | null } {
  const source = resolveResult(views, e)
  return { tests: source?.body.tests ?? [], source }
}

export function resultSummaryJson (views: Views, e: ResultEvent): ResultSummaryJson {
  const { tests, source } = testsOf(views, e)
  const request = requestOf(views, e)
  const s = summarise(tests)
  return {
    id: e.id,
    job: e.body.job ?? null,
    revision: request?.body.revision ?? null,
    profile: request?.body.profile ?? null,
    build: e.body.build,
    testRun: e.body.testRun,
    verdict: e.body.verdict,
    effectiveVerdict: source?.body.verdict ?? null,
    reuses: e.body.reuses ?? null,
    runner: e.author,
    ts: e.ts,
    total: s.total,
    counts: s.counts,
    stale: isStale(views, e.body),
    message: e.body.message ?? null,
    tested: testedOf(views, { job: e.body.job ?? null, build: e.body.build })
  }
}

/** A against B, each a reused result compared as the run it stands for (which must be here). */
export function compareJson (views: Views, a: ResultEvent, b: ResultEvent, minChange: MinChange = {}): ComparisonJson {
  const ta = testsOf(views, a)
  const tb = testsOf(views, b)
  for (const [side, t, e] of [['A', ta, a], ['B', tb, b]] as const) {
    if (t.source === null) throw new CairnError('RESULT_UNKNOWN', `result ${side} ${e.id} reuses ${e.body.reuses ?? '?'}, which is not here; sync with its runner`)
  }
  const c = compareResults(ta.tests, tb.tests)
  const both = (x: { name: string, a: ResultTest, b: ResultTest }): ChangeJson => ({ name: x.name, a: x.a.status, b: x.b.status })
  const head = (e: ResultEvent, source: ResultEvent | null): ComparedResultJson => ({ id: e.id, build: e.body.build, testRun: e.body.testRun, verdict: source?.body.verdict ?? e.body.verdict })
  return splitFlaky(views, [ta.source, tb.source], {
    resultA: head(a, ta.source),
    resultB: head(b, tb.source),
    regressions: c.regressions.map(both),
    fixes: c.fixes.map(both),
    new: c.new.map((x) => ({ name: x.name, a: null, b: x.b.status })),
    removed: c.removed.map((x) => ({ name: x.name, a: x.a.status, b: null })),
    stillFailing: c.stillFailing.map(both),
    otherChanges: c.otherChanges.map(both),
    flaky: [],
    counts: c.counts,
    metrics: metricComparison(views, ta.source as ResultEvent, tb.source as ResultEvent, minChange)
  })
}

/**
 * The runs' metrics A against B, with the noise of A's identity (its other
 * runs, which include B when B repeats it) and of B's when B's differs;
 * `minChange` is the floor the caller asks for (protocol/metrics.ts).
 */
export function metricComparison (views: Views, runA: ResultEvent, runB: ResultEvent, minChange: MinChange = {}): MetricComparisonJson {
  const sameIdentity = runA.body.testRun === runB.body.testRun
  return compareMetrics(
    { metrics: runA.body.metrics ?? [], repeats: metricRepeats(views, runA) },
    { metrics: runB.body.metrics ?? [], repeats: sameIdentity ? [] : metricRepeats(views, runB) },
    minChange
  )
}

/**
 * Regressions and fixes of tests the flake ledger holds flaky under either
 * side's test-run identity, moved to `flaky`: a flake is not a regression
 * (nor its passing run a fix). The counts follow.
 */
function splitFlaky (views: Views, sources: Array<ResultEvent | null>, c: ComparisonJson): ComparisonJson {
  const flaky = flakyTests(views, sources.flatMap((s) => s === null ? [] : [s.body.testRun]))
  if (flaky.size === 0) return c
  const moved = [...c.regressions, ...c.fixes].filter((x) => flaky.has(x.name)).sort((x, y) => x.name < y.name ? -1 : x.name > y.name ? 1 : 0)
  const regressions = c.regressions.filter((x) => !flaky.has(x.name))
  const fixes = c.fixes.filter((x) => !flaky.has(x.name))
  return { ...c, regressions, fixes, flaky: moved, counts: { ...c.counts, regressions: regressions.length, fixes: fixes.length } }
}
