/**
 * The parts of a bisect that only read: which commit to test next over what
 * is known, and what the results already published say about one commit.
 * A commit's runs are found by its job inputs (the commit, recipe, profile
 * and tags of a baseline job), which name its test-run identities; every
 * trusted run of those identities counts, whoever asked for it, so a step
 * any trusted runner already tested is not run again. A reused result is
 * the run it stands for: one vote, not two.
 */
import { flakyTests } from '../node/views/flakes.js'
import { jobRequest, trustedRunners } from '../node/views/jobs.js'
import type { JobRequest } from '../node/views/jobs.js'
import { resolveResult, resultsOfTestRun } from '../node/views/results.js'
import type { ResultRow } from '../node/views/result-rows.js'
import type { ResultEvent } from '../node/views/results.js'
import { byTsThenId } from '../node/views/views.js'
import type { Views } from '../node/views/views.js'
import { outcomeOfStatus, outcomeOfVerdict, settleRuns } from '../protocol/bisect.js'
import type { BisectOutcome } from '../protocol/bisect.js'
import { isFailing } from '../protocol/results.js'
import type { BodyOf } from '../protocol/schemas.js'

/** What a bisect tests at every commit: a baseline job.request with `base` left to fill in. */
export type JobTemplate = Omit<BodyOf<'job.request'>, 'base' | 'ref' | 'reuse' | 'rerunOf'>

/** One run of a commit: the result named (as published) and what it says. */
export interface Run { result: string, outcome: BisectOutcome }

/** What is known about a commit: its runs, and how they settle (null: it needs a(nother) run). */
export interface Evidence { runs: Run[], settled: { outcome: BisectOutcome, flaky: boolean } | null }

/** JSON with keys sorted, to compare recipes however their keys were written. */
function stable (v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`
  return JSON.stringify(v) ?? 'null'
}

/** True when a request asks for the template's test at some commit (the repo may be named differently elsewhere). */
function sameTest (request: JobRequest, template: JobTemplate): boolean {
  const b = request.body
  return b.revision === undefined && b.profile === template.profile && stable(b.tags) === stable(template.tags) && stable(b.recipe) === stable(template.recipe)
}

/**
 * What one run says about the step: the bisected test's status, or with no
 * test the verdict, where a run failing only tests the flake ledger holds
 * flaky under its own test-run identity counts as good.
 */
function outcomeOf (views: Views, run: ResultEvent, test: string | undefined): BisectOutcome {
  if (run.body.verdict !== 'pass' && run.body.verdict !== 'fail') return outcomeOfVerdict(run.body.verdict)
  if (test !== undefined) return outcomeOfStatus(run.body.tests.find((t) => t.name === test)?.status)
  const flaky = flakyTests(views, [run.body.testRun])
  return run.body.tests.some((t) => isFailing(t.status) && !flaky.has(t.name)) ? 'bad' : 'good'
}

/**
 * For every commit the template was tested at: its trusted runs. The
 * template's jobs are found among the baseline jobs of its profile, and
 * their results through their rows: no other result is read.
 */
export function knownRuns (views: Views, template: JobTemplate, test: string | undefined): Map<string, Evidence> {
  const trusted = new Set(trustedRunners(views))
  const found: Array<{ commit: string, row: ResultRow }> = []
  for (const request of views.baselineJobs(template.profile) as JobRequest[]) {
    if (!sameTest(request, template)) continue
    for (const row of views.resultRows.ofJob(request.id)) if (trusted.has(row.author) && row.verdict !== 'aborted') found.push({ commit: request.body.base, row })
  }
  const identities = new Map<string, Set<string>>() // commit -> test-run identities
  const direct = new Map<string, ResultEvent[]>() // commit -> results without an identity (failed before one)
  for (const { commit, row } of found.sort((a, b) => byTsThenId(a.row, b.row))) {
    if (row.testRun !== '') identities.set(commit, (identities.get(commit) ?? new Set()).add(row.testRun))
    else direct.set(commit, [...(direct.get(commit) ?? []), views.event(row.id) as ResultEvent])
  }
  const out = new Map<string, Evidence>()
  for (const commit of new Set([...identities.keys(), ...direct.keys()])) {
    const runs = new Map<string, Run>() // by the run a result stands for
    for (const id of identities.get(commit) ?? []) {
      for (const e of resultsOfTestRun(views, id)) {
        if (!trusted.has(e.author) || e.body.verdict === 'aborted') continue
        const source = resolveResult(views, e)
        if (source === null || runs.has(source.id)) continue
        runs.set(source.id, { result: e.id, outcome: outcomeOf(views, source, test) })
      }
    }
    for (const e of direct.get(commit) ?? []) runs.set(e.id, { result: e.id, outcome: outcomeOf(views, e, test) })
    const list = [...runs.values()]
    out.set(commit, { runs: list, settled: settleRuns(list.map((r) => r.outcome)) })
  }
  return out
}

/** Where the search stands: the next commit to test, or the answer. */
type Next =
  | { probe: string }
  | { firstBad: string }
  | { candidates: string[] }

/**
 * The next step over `order` (the range first-parent, oldest first, good
 * excluded, bad last): the first bad commit once a good commit (or the good
 * end) directly precedes the earliest bad one; else the untested commit
 * nearest the middle of what is left, skipped commits aside; when only
 * skipped ones are left, all the candidates.
 */
export function nextStep (order: readonly string[], known: ReadonlyMap<string, BisectOutcome>): Next {
  let hi = order.length - 1
  for (let i = 0; i < hi; i++) if (known.get(order[i] as string) === 'bad') { hi = i; break }
  let lo = -1
  for (let i = hi - 1; i >= 0; i--) if (known.get(order[i] as string) === 'good') { lo = i; break }
  if (hi === lo + 1) return { firstBad: order[hi] as string }
  const mid = Math.floor((lo + hi) / 2)
  for (let d = 0; d < hi - lo; d++) {
    for (const i of [mid - d, mid + d + 1]) {
      if (i > lo && i < hi && !known.has(order[i] as string)) return { probe: order[i] as string }
    }
  }
  return { candidates: order.slice(lo + 1, hi + 1) }
}

/**
 * What is wrong with a bisect's steps as this node sees them: each listed
 * result must be here, by a trusted runner, answer a job of that commit, and
 * the runs together must settle as the step says.
 */
export function stepProblems (views: Views, body: BodyOf<'bisect'>): string[] {
  const trusted = new Set(trustedRunners(views))
  const problems: string[] = []
  for (const step of body.steps) {
    const at = step.commit.slice(0, 12)
    const outcomes: BisectOutcome[] = []
    for (const id of step.results) {
      const e = views.event(id)
      if (e?.type !== 'result') { problems.push(`step ${at}: result ${id.slice(0, 12)} is not here`); continue }
      if (!trusted.has(e.author)) problems.push(`step ${at}: result ${id.slice(0, 12)} is by ${e.author.slice(0, 12)}, not a trusted runner`)
      const request = e.body.job === undefined ? null : jobRequest(views, e.body.job)
      if (request !== null && request.body.base !== step.commit) problems.push(`step ${at}: result ${id.slice(0, 12)} tested ${request.body.base.slice(0, 12)}`)
      const source = resolveResult(views, e)
      if (source === null) { problems.push(`step ${at}: result ${id.slice(0, 12)} reuses a run that is not here`); continue }
      outcomes.push(outcomeOf(views, source, body.test))
    }
    const settled = settleRuns(outcomes)
    if (settled?.outcome !== step.outcome) problems.push(`step ${at}: its runs say ${settled?.outcome ?? `nothing settled (${outcomes.join(', ') || 'no runs'})`}, the step says ${step.outcome}`)
  }
  return problems
}
