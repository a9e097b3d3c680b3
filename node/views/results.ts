/**
 * Results as this node sees them: indexed by id, job, build identity and
 * test-run identity; a `reused` result resolved to the run it stands for;
 * stale results (their series or baseline has a newer result under another
 * identity: the recipe or environment changed since) marked.
 */
import { byTsThenId } from './views.js'
import type { IndexedEvent, Views } from './views.js'
import { deriveOver } from './derive-over.js'
import { jobRequest, trustedRunners } from './jobs.js'
import type { JobRequest } from './jobs.js'

export type ResultEvent = IndexedEvent & { type: 'result' }

/** Verdicts of a real test run, worth reusing: an error or an abort says nothing about the tree. */
const REUSABLE_VERDICTS: ReadonlySet<string> = new Set(['pass', 'fail'])
const MAX_REUSE_HOPS = 8

interface ResultIndex {
  all: ResultEvent[]
  byId: Map<string, ResultEvent>
  byJob: Map<string, ResultEvent[]>
  byBuild: Map<string, ResultEvent[]>
  byTestRun: Map<string, ResultEvent[]>
}

function push (map: Map<string, ResultEvent[]>, key: string, e: ResultEvent): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [e])
  else list.push(e)
}

function resultIndex (views: Views): ResultIndex {
  return deriveOver(views, ['result'], 'results/index', (v) => {
    const all = [...(v.ofType('result'))].sort(byTsThenId) as ResultEvent[]
    const index: ResultIndex = { all, byId: new Map(), byJob: new Map(), byBuild: new Map(), byTestRun: new Map() }
    for (const e of all) {
      index.byId.set(e.id, e)
      if (e.body.job !== undefined) push(index.byJob, e.body.job, e)
      if (e.body.build !== '') push(index.byBuild, e.body.build, e)
      if (e.body.testRun !== '') push(index.byTestRun, e.body.testRun, e)
    }
    return index
  })
}

/** Every result, oldest first by (ts, id). */
export function allResults (views: Views): ResultEvent[] {
  return resultIndex(views).all
}

export function resultsOfJob (views: Views, job: string): ResultEvent[] {
  return resultIndex(views).byJob.get(job) ?? []
}

export function resultsOfBuild (views: Views, build: string): ResultEvent[] {
  return resultIndex(views).byBuild.get(build) ?? []
}

export function resultsOfTestRun (views: Views, testRun: string): ResultEvent[] {
  return resultIndex(views).byTestRun.get(testRun) ?? []
}

/** The result a `reused` result stands for (itself otherwise); null when the chain is broken here. */
export function resolveResult (views: Views, result: ResultEvent): ResultEvent | null {
  let cur = result
  for (let hops = 0; hops < MAX_REUSE_HOPS; hops++) {
    if (cur.body.verdict !== 'reused') return cur
    const next = cur.body.reuses === undefined ? undefined : resultIndex(views).byId.get(cur.body.reuses)
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

/** What a result tested: a series revision, or a baseline (repo at base), and the profile. */
function subjectKey (request: JobRequest): string {
  const b = request.body
  return `${b.revision ?? `${b.repo}@${b.base}`}\n${b.profile}`
}

/** Ids of stale results: a newer result for the same subject and profile has a different test-run identity. */
export function staleResults (views: Views): ReadonlySet<string> {
  return deriveOver(views, ['result', 'job.request'], 'results/stale', (v) => {
    const newest = new Map<string, string>()
    const keyed: Array<[ResultEvent, string]> = []
    for (const e of resultIndex(v).all) {
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
  })
}

/** The series revision a result tested, if any (the revision's EventId). */
function revisionOf (views: Views, result: ResultEvent): string | null {
  return requestOf(views, result)?.body.revision ?? null
}

/**
 * Results matching what a user typed: a result id, a job id (its results), a
 * build or a test-run identity, or a unique hex prefix of at least 8
 * characters of a result or job id. Oldest first.
 */
export function findResults (views: Views, ref: string): ResultEvent[] {
  const index = resultIndex(views)
  const exact = index.byId.get(ref)
  if (exact !== undefined) return [exact]
  const byJob = index.byJob.get(ref) ?? index.byBuild.get(ref) ?? index.byTestRun.get(ref)
  if (byJob !== undefined) return byJob
  if (/^[0-9a-f]{8,63}$/.test(ref)) {
    const ids = index.all.filter((e) => e.id.startsWith(ref))
    if (ids.length > 0) return ids
    const jobs = new Set(index.all.map((e) => e.body.job).filter((j): j is string => j !== undefined && j.startsWith(ref)))
    if (jobs.size === 1) return index.byJob.get([...jobs][0] as string) ?? []
  }
  return []
}

/** Results of jobs that tested a series: `series` is a series.revision EventId (or prefix) or a series id. */
export function resultsOfSeries (views: Views, series: string): ResultEvent[] {
  return resultIndex(views).all.filter((e) => {
    const revision = revisionOf(views, e)
    if (revision === null) return false
    if (revision === series || (series.length >= 8 && revision.startsWith(series))) return true
    const event = views.event(revision)
    return event?.type === 'series.revision' && event.body.series === series
  })
}
