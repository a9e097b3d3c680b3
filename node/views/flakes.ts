/**
 * The flake ledger: a test is flaky for a test-run identity when trusted
 * runs of that identity (the same source, recipe, environment, profile and
 * runner class) disagree on it, one failing and another passing. Each entry
 * keeps its evidence: the runs, their runners and statuses. Built from
 * result events only, so every node that holds the same results (they
 * replicate like everything else) has the same ledger. A reused result is
 * the run it stands for, not a second run.
 */
import { isFailing } from '../../protocol/results.js'
import type { TestStatus } from '../../protocol/results.js'
import { deriveOver } from './derive-over.js'
import { trustedRunners } from './jobs.js'
import type { ResultRow } from './result-rows.js'
import type { Views } from './views.js'

interface FlakeRun { result: string, runner: string, status: TestStatus, ts: number }
interface Flake { testRun: string, test: string, runs: FlakeRun[] }

const isPassing = (s: string): boolean => s === 'pass' || s === 'xfail'

/**
 * The tests among `names` that the runs of one test-run identity (two or
 * more, oldest first) disagree on, one failing and another passing; only
 * those tests' rows in those runs are read.
 */
function flakesOf (views: Views, testRun: string, runs: readonly ResultRow[], names: Iterable<string>): Flake[] {
  if (runs.length < 2) return []
  const order = new Map(runs.map((r, i) => [r.n, i]))
  const out: Flake[] = []
  for (const test of names) {
    const rows = views.resultRows.statuses(test, [...order.keys()]).sort((a, b) => (order.get(a.result) ?? 0) - (order.get(b.result) ?? 0))
    if (!rows.some((r) => isFailing(r.status as TestStatus)) || !rows.some((r) => isPassing(r.status))) continue
    out.push({ testRun, test, runs: rows.map((r) => { const run = runs[order.get(r.result) ?? 0] as ResultRow; return { result: run.id, runner: run.author, status: r.status as TestStatus, ts: run.ts } }) })
  }
  return out
}

/** The names the runs fail somewhere: the only tests they can disagree on. */
function failingIn (views: Views, runs: readonly ResultRow[]): Set<string> {
  return new Set(runs.flatMap((r) => views.resultRows.failing(r.n)))
}

/** The real runs (pass or fail; not reused, error or aborted) of trusted runners of one identity, oldest first. */
function realRunsOf (views: Views, testRun: string): ResultRow[] {
  return testRun === '' ? [] : views.resultRows.realRuns(trustedRunners(views), testRun)
}

function ledger (views: Views): Flake[] {
  return deriveOver(views, ['result', 'trust.set'], 'flakes/ledger', (v) => {
    const all = v.resultRows.repeatedRuns().flatMap((testRun) => {
      const runs = realRunsOf(v, testRun)
      return flakesOf(v, testRun, runs, failingIn(v, runs))
    })
    return all.sort((a, b) => a.test < b.test ? -1 : a.test > b.test ? 1 : a.testRun < b.testRun ? -1 : a.testRun > b.testRun ? 1 : 0)
  })
}

/** Every flaky (test, test-run identity), by test name. */
export function flakes (views: Views): Flake[] {
  return ledger(views)
}

/** The tests flaky under any of these test-run identities: only their runs' rows are read. */
export function flakyTests (views: Views, testRuns: readonly string[]): Set<string> {
  const out = new Set<string>()
  for (const id of new Set(testRuns)) {
    const runs = realRunsOf(views, id)
    if (runs.length < 2) continue
    for (const f of flakesOf(views, id, runs, failingIn(views, runs))) out.add(f.test)
  }
  return out
}

/** Which of some tests are flaky under a test-run identity, its runs read once per identity asked (a history asks per point). */
export function flakyAmong (views: Views): (testRun: string, names: readonly string[]) => string[] {
  const runsOf = new Map<string, ResultRow[]>()
  return (testRun, names) => {
    let runs = runsOf.get(testRun)
    if (runs === undefined) runsOf.set(testRun, runs = realRunsOf(views, testRun))
    if (runs.length < 2 || names.length === 0) return []
    const flaky = new Set(flakesOf(views, testRun, runs, new Set(names)).map((f) => f.test))
    return names.filter((n) => flaky.has(n))
  }
}
