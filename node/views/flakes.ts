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
import { allResults } from './results.js'
import type { ResultEvent } from './results.js'
import type { Views } from './views.js'

interface FlakeRun { result: string, runner: string, status: TestStatus, ts: number }
interface Flake { testRun: string, test: string, runs: FlakeRun[] }

interface Ledger {
  all: Flake[]
  /** test-run identity -> the tests flaky under it */
  byTestRun: Map<string, Set<string>>
}

/** Real runs (pass or fail; not reused, error or aborted) of trusted runners, by test-run identity. */
function runsByIdentity (views: Views): Map<string, ResultEvent[]> {
  const trusted = new Set(trustedRunners(views))
  const out = new Map<string, ResultEvent[]>()
  for (const e of allResults(views)) {
    if (!trusted.has(e.author) || e.body.testRun === '' || (e.body.verdict !== 'pass' && e.body.verdict !== 'fail')) continue
    out.set(e.body.testRun, [...(out.get(e.body.testRun) ?? []), e])
  }
  return out
}

function ledger (views: Views): Ledger {
  return deriveOver(views, ['result', 'trust.set'], 'flakes/ledger', (v) => {
    const all: Flake[] = []
    const byTestRun = new Map<string, Set<string>>()
    for (const [testRun, runs] of runsByIdentity(v)) {
      if (runs.length < 2) continue
      const seen = new Map<string, FlakeRun[]>()
      for (const e of runs) {
        for (const t of e.body.tests) seen.set(t.name, [...(seen.get(t.name) ?? []), { result: e.id, runner: e.author, status: t.status, ts: e.ts }])
      }
      for (const [test, list] of seen) {
        const failing = list.filter((r) => isFailing(r.status)).length
        const passing = list.filter((r) => r.status === 'pass' || r.status === 'xfail').length
        if (failing === 0 || passing === 0) continue
        all.push({ testRun, test, runs: list })
        byTestRun.set(testRun, (byTestRun.get(testRun) ?? new Set()).add(test))
      }
    }
    all.sort((a, b) => a.test < b.test ? -1 : a.test > b.test ? 1 : a.testRun < b.testRun ? -1 : a.testRun > b.testRun ? 1 : 0)
    return { all, byTestRun }
  })
}

/** Every flaky (test, test-run identity), by test name. */
export function flakes (views: Views): Flake[] {
  return ledger(views).all
}

/** The tests flaky under any of these test-run identities. */
export function flakyTests (views: Views, testRuns: readonly string[]): Set<string> {
  const out = new Set<string>()
  for (const id of testRuns) for (const t of ledger(views).byTestRun.get(id) ?? []) out.add(t)
  return out
}
