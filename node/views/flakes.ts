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
import { allResults, resultsOfTestRun } from './results.js'
import type { ResultEvent } from './results.js'
import type { Views } from './views.js'

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

function ledger (views: Views): Flake[] {
  return deriveOver(views, ['result', 'trust.set'], 'flakes/ledger', (v) => {
    const all = [...runsByIdentity(v)].flatMap(([testRun, runs]) => flakesOf(testRun, runs))
    return all.sort((a, b) => a.test < b.test ? -1 : a.test > b.test ? 1 : a.testRun < b.testRun ? -1 : a.testRun > b.testRun ? 1 : 0)
  })
}

/** Every flaky (test, test-run identity), by test name. */
export function flakes (views: Views): Flake[] {
  return ledger(views)
}

/** The tests flaky under any of these test-run identities: only their runs are read (views/db/job-rows.ts). */
export function flakyTests (views: Views, testRuns: readonly string[]): Set<string> {
  const trusted = new Set(trustedRunners(views))
  const out = new Set<string>()
  for (const id of new Set(testRuns)) {
    const runs = resultsOfTestRun(views, id).filter((e) => isRealRun(e, trusted))
    for (const f of flakesOf(id, runs)) out.add(f.test)
  }
  return out
}
