/**
 * What a `bisect` event means (scheme cairn/bisect/v1): a search for the
 * first bad commit of a first-parent range, each step a commit with the
 * results that decided it. Shared by the runner that drives a bisect and by
 * anyone checking one: what a test status says about a step, how several
 * runs of one identity settle it (a flake is rerun, not believed), and
 * whether the steps prove the first bad commit.
 */
import { isFailing } from './results.js'
import type { TestStatus } from './results.js'
import type { BodyOf } from './schemas.js'

export const BISECT_SCHEME = 'cairn/bisect/v1'

export type BisectOutcome = 'good' | 'bad' | 'skip'
export type BisectBody = BodyOf<'bisect'>

/** A test's status as a step: a failure is bad, a pass (or an expected failure) good; skipped or absent says nothing. */
export function outcomeOfStatus (status: TestStatus | undefined): BisectOutcome {
  if (status === undefined || status === 'skip') return 'skip'
  return isFailing(status) ? 'bad' : 'good'
}

/** A run's verdict as a step when no single test is bisected: a build that failed (error) is a skip, as in git bisect. */
export function outcomeOfVerdict (verdict: string): BisectOutcome {
  return verdict === 'pass' ? 'good' : verdict === 'fail' ? 'bad' : 'skip'
}

/** At most this many runs of one step: a step still split after them is skipped as flaky. */
const MAX_RUNS_PER_STEP = 5

/**
 * How the runs of one step settle: all agreeing settle it; disagreeing runs
 * (a flake) settle once there are at least three and one outcome holds a
 * strict majority of them; `null` asks for another run, until
 * MAX_RUNS_PER_STEP, after which the step is a flaky skip.
 */
export function settleRuns (outcomes: readonly BisectOutcome[]): { outcome: BisectOutcome, flaky: boolean } | null {
  if (outcomes.length === 0) return null
  const votes = new Map<BisectOutcome, number>()
  for (const o of outcomes) votes.set(o, (votes.get(o) ?? 0) + 1)
  if (votes.size === 1) return { outcome: outcomes[0] as BisectOutcome, flaky: false }
  const [lead, n] = [...votes.entries()].sort((x, y) => y[1] - x[1])[0] as [BisectOutcome, number]
  if (outcomes.length >= 3 && n * 2 > outcomes.length) return { outcome: lead, flaky: true }
  return outcomes.length >= MAX_RUNS_PER_STEP ? { outcome: 'skip', flaky: true } : null
}

/**
 * What is wrong with a bisect event, given the range's commits in order
 * (first-parent, oldest first, `good` excluded, `bad` last): every step a
 * commit of the range, good steps before the first bad commit and bad steps
 * from it on, the first bad commit bad and its parent good (a step, or the
 * range's good end). Empty when the steps prove the answer.
 */
export function bisectProblems (body: BisectBody, order: readonly string[]): string[] {
  const problems: string[] = []
  const at = new Map(order.map((c, i) => [c, i]))
  if (order[order.length - 1] !== body.bad) problems.push(`the range does not end at the bad commit ${body.bad.slice(0, 12)}`)
  for (const s of body.steps) if (!at.has(s.commit) && s.commit !== body.good) problems.push(`step ${s.commit.slice(0, 12)} is not in ${body.good.slice(0, 12)}..${body.bad.slice(0, 12)}`)
  if (body.firstBad === undefined) {
    if ((body.candidates ?? []).length === 0) problems.push('neither a first bad commit nor the candidates skips left')
    return problems
  }
  const first = at.get(body.firstBad)
  if (first === undefined) return [...problems, `first bad commit ${body.firstBad.slice(0, 12)} is not in the range`]
  const outcome = (c: string): BisectOutcome | undefined => c === body.good ? 'good' : c === body.bad ? 'bad' : body.steps.find((s) => s.commit === c)?.outcome
  if (outcome(body.firstBad) !== 'bad') problems.push(`first bad commit ${body.firstBad.slice(0, 12)} has no bad step`)
  const parent = first === 0 ? body.good : order[first - 1] as string
  if (outcome(parent) !== 'good') problems.push(`its parent ${parent.slice(0, 12)} has no good step`)
  for (const s of body.steps) {
    const i = s.commit === body.good ? -1 : at.get(s.commit)
    if (i === undefined || s.outcome === 'skip') continue
    if (s.outcome === 'good' && i >= first) problems.push(`step ${s.commit.slice(0, 12)} is good after the first bad commit`)
    if (s.outcome === 'bad' && i < first) problems.push(`step ${s.commit.slice(0, 12)} is bad before the first bad commit`)
  }
  return problems
}
