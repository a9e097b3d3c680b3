import { isFailing } from './results.js'
import type { ResultTest, TestStatus } from './results.js'

/**
 * What one result says about a test or a suite, for a history across
 * results (releases, baselines, series runs). Pure over result bodies; the
 * node's views pick the results and say what each one tested.
 *
 * A suite is a name prefix on `/` boundaries, the way every parser names
 * tests (`generic/001`, kselftest `net/foo`, JUnit `suite/class.name`, a
 * recipe's test step `step/test`): suite `generic` holds `generic` itself
 * and every `generic/...`.
 */

/** A test's status in one result, or `missing` when that result does not hold it. */
type HistoryStatus = TestStatus | 'missing'

/** What a chart draws: passing (pass, xfail), failing (fail, error, xpass), skipped, or missing. */
export type Outcome = 'pass' | 'fail' | 'skip' | 'missing'

export function outcomeOf (status: HistoryStatus): Outcome {
  if (status === 'missing' || status === 'skip') return status
  return isFailing(status) ? 'fail' : 'pass'
}

export function inSuite (name: string, suite: string): boolean {
  return name === suite || (name.startsWith(suite) && name.charAt(suite.length) === '/')
}

export interface TestInResult { status: HistoryStatus, duration?: number, detail?: string }

export function testIn (tests: readonly ResultTest[], name: string): TestInResult {
  const t = tests.find((x) => x.name === name)
  if (t === undefined) return { status: 'missing' }
  return { status: t.status, ...(t.duration === undefined ? {} : { duration: t.duration }), ...(t.detail === undefined ? {} : { detail: t.detail }) }
}

export interface SuiteInResult {
  counts: Record<TestStatus, number>
  total: number
  /** The first failing names (a 20k-test suite lists a few, not all). */
  failing: string[]
  outcome: Outcome
}

const FAILING_NAMES = 20

export function suiteIn (tests: readonly ResultTest[], suite: string): SuiteInResult {
  const counts: Record<TestStatus, number> = { pass: 0, fail: 0, error: 0, skip: 0, xfail: 0, xpass: 0 }
  const failing: string[] = []
  for (const t of tests) {
    if (!inSuite(t.name, suite)) continue
    counts[t.status]++
    if (isFailing(t.status) && failing.length < FAILING_NAMES) failing.push(t.name)
  }
  return suiteOf(counts, failing)
}

/** A suite in one result from its counts per status and its failing names in the result's order (the first few are kept). */
export function suiteOf (counts: Record<TestStatus, number>, failing: readonly string[]): SuiteInResult {
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  return { counts, total, failing: failing.slice(0, FAILING_NAMES), outcome: suiteOutcome(counts, total) }
}

/** A suite fails when any of its tests fails, passes when any passes, is skipped when all were. */
function suiteOutcome (counts: Record<TestStatus, number>, total: number): Outcome {
  if (total === 0) return 'missing'
  if (counts.fail + counts.error + counts.xpass > 0) return 'fail'
  if (counts.pass + counts.xfail > 0) return 'pass'
  return 'skip'
}

export interface Change {
  /** The outcome before, when this point changed it (null: same as before, or nothing known before, or missing here). */
  changedFrom: Outcome | null
  /** The point before this one that said something (not missing), for an A/B comparison; null for the first. */
  previous: string | null
}

/**
 * Where the outcome changes, oldest first. A result that does not hold the
 * test (missing) neither changes the outcome nor hides a change: pass,
 * missing, fail is one change, pass -> fail. Nor does a flake (`flake`: its
 * outcome is a flaky test's, whose runs of one identity disagree): pass,
 * fail (flaky), pass is no change, and a later fail is still one.
 */
export function changes (points: ReadonlyArray<{ id: string, outcome: Outcome, flake?: boolean }>): Change[] {
  let last: { id: string, outcome: Outcome } | null = null
  return points.map((p) => {
    const change: Change = { changedFrom: null, previous: last?.id ?? null }
    if (p.outcome === 'missing' || p.flake === true) return change
    if (last !== null && last.outcome !== p.outcome) change.changedFrom = last.outcome
    last = p
    return change
  })
}

/** How many points have each outcome. */
export function outcomeCounts (points: ReadonlyArray<{ outcome: Outcome }>): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { pass: 0, fail: 0, skip: 0, missing: 0 }
  for (const p of points) counts[p.outcome]++
  return counts
}
