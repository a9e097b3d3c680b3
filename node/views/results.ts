/**
 * Results as this node sees them: indexed by id, job, build identity and
 * test-run identity; a `reused` result resolved to the run it stands for;
 * stale results (their series or baseline has a newer result under another
 * identity: the recipe or environment changed since) marked.
 */
import type { IndexedEvent, Views } from './views.js'
import { jobRequest, trustedRunners } from './jobs.js'
import type { JobRequest } from './jobs.js'
import { MAX_REUSE_HOPS } from './result-rows.js'

export type ResultEvent = IndexedEvent & { type: 'result' }

/** Verdicts of a real test run, worth reusing: an error or an abort says nothing about the tree. */
const REUSABLE_VERDICTS: ReadonlySet<string> = new Set(['pass', 'fail'])

// Point lookups read the side rows (views/db/job-rows.ts), never every result.
export function resultsOfJob (views: Views, job: string): ResultEvent[] {
  return views.keyed('result.job', job) as ResultEvent[]
}

export function resultsOfBuild (views: Views, build: string): ResultEvent[] {
  return build === '' ? [] : views.keyed('result.build', build) as ResultEvent[]
}

export function resultsOfTestRun (views: Views, testRun: string): ResultEvent[] {
  return testRun === '' ? [] : views.keyed('result.testRun', testRun) as ResultEvent[]
}

function resultById (views: Views, id: string): ResultEvent | undefined {
  const e = /^[0-9a-f]{64}$/.test(id) ? views.event(id) : undefined
  return e?.type === 'result' ? e as ResultEvent : undefined
}

/** The result a `reused` result stands for (itself otherwise); null when the chain is broken here. */
export function resolveResult (views: Views, result: ResultEvent): ResultEvent | null {
  let cur = result
  for (let hops = 0; hops < MAX_REUSE_HOPS; hops++) {
    if (cur.body.verdict !== 'reused') return cur
    const next = cur.body.reuses === undefined ? undefined : resultById(views, cur.body.reuses)
    if (next === undefined) return null
    cur = next
  }
  return null
}

/**
 * A published run of this exact test-run identity by a trusted runner that
 * can stand in for running it again: the earliest by (ts, id), so every
 * node picks the same one.
 */
export function findReusable (views: Views, testRun: string): ResultEvent | null {
  const runners = new Set(trustedRunners(views))
  for (const e of resultsOfTestRun(views, testRun)) {
    if (runners.has(e.author) && REUSABLE_VERDICTS.has(e.body.verdict)) return e
  }
  return null
}

/** The job request a result answers, when this node has it. */
export function requestOf (views: Views, result: ResultEvent): JobRequest | null {
  return result.body.job === undefined ? null : jobRequest(views, result.body.job)
}

/**
 * Whether a result is stale: a newer result (by ts, EventId) for the same
 * subject and profile (db/job-rows.ts, requestKeys) has a different
 * test-run identity: the recipe or environment changed since. Read from
 * the result rows of that subject only.
 */
export function isStale (views: Views, result: { job?: string | undefined, testRun: string }): boolean {
  if (result.testRun === '' || result.job === undefined) return false
  const subject = views.resultRows.subjectOf(result.job)
  if (subject === null) return false
  return views.resultRows.newestTestRun(subject) !== result.testRun
}

/**
 * Results matching what a user typed: a result id, a job id (its results), a
 * build or a test-run identity, or a unique hex prefix of at least 8
 * characters of a result or job id. Oldest first.
 */
export function findResults (views: Views, ref: string): ResultEvent[] {
  const exact = resultById(views, ref)
  if (exact !== undefined) return [exact]
  for (const found of [resultsOfJob(views, ref), resultsOfBuild(views, ref), resultsOfTestRun(views, ref)]) if (found.length > 0) return found
  if (/^[0-9a-f]{8,63}$/.test(ref)) {
    const ids = views.keyed('result.idPrefix', ref) as ResultEvent[]
    if (ids.length > 0) return ids
    const ofJobs = views.keyed('result.jobPrefix', ref) as ResultEvent[]
    if (new Set(ofJobs.map((e) => e.body.job)).size === 1) return ofJobs
  }
  return []
}

/** Results of jobs that tested a series: `series` is a series.revision EventId (or prefix) or a series id. */
export function resultsOfSeries (views: Views, series: string): ResultEvent[] {
  return views.resultsOfSeries(series) as ResultEvent[]
}
