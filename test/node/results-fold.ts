/**
 * The reference the result rows are checked against (result-rows.test.ts):
 * the folds over every result event that test histories, regressions, the
 * flake ledger and staleness were before they read rows
 * (node/views/result-rows.ts), kept as they were.
 */
import { changes, inSuite, outcomeCounts, outcomeOf, suiteIn, testIn } from '../../protocol/history.js'
import type { Change, Outcome } from '../../protocol/history.js'
import { isFailing } from '../../protocol/results.js'
import type { ResultTest, TestStatus } from '../../protocol/results.js'
import type { HistoryFilter, SuitePoint, TestPoint } from '../../node/views/history.js'
import { trustedRunners } from '../../node/views/jobs.js'
import type { JobRequest } from '../../node/views/jobs.js'
import { byRelease } from '../../node/views/metric-history.js'
import type { MetricFound } from '../../node/views/metric-history.js'
import { trackMetrics } from '../../node/views/metric-regressions.js'
import type { Regression, Sighting } from '../../node/views/regressions.js'
import { requestOf, resolveResult } from '../../node/views/results.js'
import { allResults } from '../helpers/views.js'
import type { ResultEvent } from '../../node/views/results.js'
import type { Views } from '../../node/views/views.js'
import { testedOf } from '../../node/wire/tested.js'

type Tested = Omit<TestPoint, keyof Omit<ResultTest, 'name'> | 'outcome' | 'flaky' | 'flake' | keyof Change>
interface History<P> { points: P[], counts: Record<Outcome, number> }

// Test histories (was node/views/history.ts)

interface Candidate { tested: Tested, tests: readonly ResultTest[], scope: string | null }

function describe (views: Views, e: ResultEvent): Candidate {
  const run = resolveResult(views, e)
  const what = testedOf(views, { job: e.body.job ?? null, build: e.body.build })
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

/** What every result tested, oldest first. */
function candidates (views: Views): Candidate[] {
  return allResults(views).map((e) => describe(views, e))
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
export function foldTestHistory (views: Views, test: string, filter: HistoryFilter = {}): History<TestPoint> {
  const scoped = inScope(views, filter, (tests) => tests.some((t) => t.name === test))
  return withChanges(scoped.map((c) => {
    const { detail: _detail, ...found } = testIn(c.tests, test) // details stay on the result page: a history of 500 runs would carry them all
    const flaky = foldFlakyTests(views, [c.tested.testRun]).has(test) ? [test] : []
    return { ...c.tested, ...found, outcome: outcomeOf(found.status), flaky, flake: flaky.length > 0 }
  }))
}

/** A suite's counts in every result of its history, oldest first. */
export function foldSuiteHistory (views: Views, suite: string, filter: HistoryFilter = {}): History<SuitePoint> {
  const scoped = inScope(views, filter, (tests) => tests.some((t) => inSuite(t.name, suite)))
  return withChanges(scoped.map((c) => {
    const s = suiteIn(c.tests, suite)
    const under = foldFlakyTests(views, [c.tested.testRun])
    const flaky = s.failing.filter((t) => under.has(t))
    const failing = s.counts.fail + s.counts.error + s.counts.xpass
    return { ...c.tested, ...s, flaky, flake: s.outcome === 'fail' && flaky.length === failing }
  }))
}

// Regressions (was node/views/regressions.ts)

function sighting (e: ResultEvent, base: string, ref: string | undefined): Sighting {
  return { result: e.id, commit: base, ref: ref ?? null, ts: e.ts }
}

interface Tree { key: string, project: string, profile: string, tags: string[], results: Array<{ e: ResultEvent, source: ResultEvent, at: Sighting }> }

/** Trusted baseline results with real runs behind them, grouped by tree, oldest first. */
function trees (views: Views): Tree[] {
  const trusted = new Set(trustedRunners(views))
  const byKey = new Map<string, Tree>()
  const runs = new Map<string, ResultEvent>() // one object per run: trackMetrics tells a run from its repeats by identity
  for (const e of allResults(views)) {
    const request = requestOf(views, e)
    if (!trusted.has(e.author) || request === null || request.body.revision !== undefined) continue
    const resolved = resolveResult(views, e)
    const source = resolved === null ? null : runs.get(resolved.id) ?? resolved
    if (source !== null) runs.set(source.id, source)
    if (source === null || (source.body.verdict !== 'pass' && source.body.verdict !== 'fail')) continue
    const b = request.body
    const key = JSON.stringify([b.project, b.profile, b.tags])
    let tree = byKey.get(key)
    if (tree === undefined) byKey.set(key, tree = { key, project: b.project, profile: b.profile, tags: b.tags, results: [] })
    tree.results.push({ e, source, at: sighting(e, b.base, b.ref) })
  }
  return [...byKey.values()]
}

function track (views: Views, tree: Tree): Regression[] {
  const flaky = foldFlakyTests(views, [...new Set(tree.results.map((r) => r.source.body.testRun))])
  const lastPass = new Map<string, Sighting>()
  const open = new Map<string, Regression>()
  const out: Regression[] = []
  for (const { source, at } of tree.results) {
    for (const t of source.body.tests) {
      if (flaky.has(t.name)) continue
      const reg = open.get(t.name)
      if (isFailing(t.status)) {
        if (reg !== undefined) { reg.lastSeen = at; continue }
        const pass = lastPass.get(t.name)
        if (pass === undefined) continue // failing since it was first run: not a regression
        const created: Regression = { project: tree.project, profile: tree.profile, tags: tree.tags, test: t.name, state: 'failing', firstSeen: at, lastSeen: at, lastPass: pass, fixedBy: null }
        open.set(t.name, created)
        out.push(created)
      } else if (t.status === 'pass' || t.status === 'xfail') {
        lastPass.set(t.name, at)
        if (reg !== undefined) { reg.state = 'fixed'; reg.fixedBy = at; open.delete(t.name) }
      }
    }
  }
  return out
}

/** Every regression of every tree, open ones first, then by when first seen; from results published at or after `since` (the archive cut-off) when given. */
export function foldRegressions (views: Views, since?: number): Regression[] {
  const all = trees(views).flatMap((whole) => {
    const tree = { ...whole, results: whole.results.filter((r) => since === undefined || r.e.ts >= since) }
    const where = { project: tree.project, profile: tree.profile, tags: tree.tags }
    return [...track(views, tree), ...trackMetrics(tree.results).map((m): Regression => ({ ...where, ...m }))]
  })
  return all.sort((a, b) => (a.state === b.state ? 0 : a.state === 'failing' ? -1 : 1) || a.firstSeen.ts - b.firstSeen.ts)
}

// The flake ledger (was node/views/flakes.ts)

interface FlakeRun { result: string, runner: string, status: TestStatus, ts: number }
interface Flake { testRun: string, test: string, runs: FlakeRun[] }

/** A real run (pass or fail; not reused, error or aborted) of a trusted runner. */
function isRealRun (e: ResultEvent, trusted: ReadonlySet<string>): boolean {
  return trusted.has(e.author) && e.body.testRun !== '' && (e.body.verdict === 'pass' || e.body.verdict === 'fail')
}

/** Real runs by test-run identity. */
function runsByIdentity (views: Views): Map<string, ResultEvent[]> {
  const trusted = new Set(trustedRunners(views))
  const out = new Map<string, ResultEvent[]>()
  for (const e of allResults(views)) {
    if (!isRealRun(e, trusted)) continue
    out.set(e.body.testRun, [...(out.get(e.body.testRun) ?? []), e])
  }
  return out
}

/** The tests the runs of one test-run identity disagree on, one failing and another passing. */
function flakesOf (testRun: string, runs: readonly ResultEvent[]): Flake[] {
  if (runs.length < 2) return []
  const seen = new Map<string, FlakeRun[]>()
  for (const e of runs) {
    for (const t of e.body.tests) seen.set(t.name, [...(seen.get(t.name) ?? []), { result: e.id, runner: e.author, status: t.status, ts: e.ts }])
  }
  const out: Flake[] = []
  for (const [test, list] of seen) {
    const failing = list.filter((r) => isFailing(r.status)).length
    const passing = list.filter((r) => r.status === 'pass' || r.status === 'xfail').length
    if (failing > 0 && passing > 0) out.push({ testRun, test, runs: list })
  }
  return out
}

/** Every flaky (test, test-run identity), by test name. */
export function foldFlakes (views: Views): Flake[] {
  const all = [...runsByIdentity(views)].flatMap(([testRun, runs]) => flakesOf(testRun, runs))
  return all.sort((a, b) => a.test < b.test ? -1 : a.test > b.test ? 1 : a.testRun < b.testRun ? -1 : a.testRun > b.testRun ? 1 : 0)
}

/** The tests flaky under any of these test-run identities. */
function foldFlakyTests (views: Views, testRuns: readonly string[]): Set<string> {
  const trusted = new Set(trustedRunners(views))
  const out = new Set<string>()
  for (const id of new Set(testRuns)) {
    const runs = allResults(views).filter((e) => e.body.testRun === id && id !== '').filter((e) => isRealRun(e, trusted))
    for (const f of flakesOf(id, runs)) out.add(f.test)
  }
  return out
}

// Staleness (was node/views/results.ts)

/** What a result tested: a series revision, or a baseline (repo at base), and the profile. */
function subjectKey (request: JobRequest): string {
  const b = request.body
  return `${b.revision ?? `${b.repo}@${b.base}`}\n${b.profile}`
}

/** Ids of stale results: a newer result for the same subject and profile has a different test-run identity. */
export function foldStaleResults (v: Views): ReadonlySet<string> {
  const newest = new Map<string, string>()
  const keyed: Array<[ResultEvent, string]> = []
  for (const e of allResults(v)) {
    if (e.body.testRun === '') continue
    const request = requestOf(v, e)
    if (request === null) continue
    const key = subjectKey(request)
    newest.set(key, e.body.testRun) // oldest first, so the last write is the newest
    keyed.push([e, key])
  }
  const stale = new Set<string>()
  for (const [e, key] of keyed) if (newest.get(key) !== e.body.testRun) stale.add(e.id)
  return stale
}

// A metric's history (was node/views/metric-history.ts; grouping by release is shared)

export function foldMetricHistory (views: Views, metric: string, filter: HistoryFilter = {}): ReturnType<typeof byRelease> {
  const found: MetricFound[] = []
  for (const e of allResults(views)) {
    if (filter.since !== undefined && e.ts < filter.since) continue
    if (filter.runner !== undefined && e.author !== filter.runner) continue
    const source = resolveResult(views, e)
    const m = source?.body.metrics?.find((x) => x.name === metric)
    if (m === undefined) continue
    const tested = testedOf(views, { job: e.body.job ?? null, build: e.body.build })
    if ((filter.profile !== undefined && tested.profile !== filter.profile) || (filter.kind !== undefined && tested.kind !== filter.kind)) continue
    found.push({ tested, run: { result: e.id, ts: e.ts, value: m.value, samples: m.samples ?? [m.value] }, unit: m.unit, direction: m.direction })
  }
  return byRelease(metric, found)
}
