import { baselineOf, jobInputsKey } from '../../machines/job-inputs.js'
import type { CairnEvent } from '../../protocol/event.js'
import type { IndexedEvent, Views } from '../views/views.js'

type Indexed<T extends CairnEvent['type']> = IndexedEvent & CairnEvent<T>
export type RevisionEvent = Indexed<'series.revision'>

/**
 * The events a merge decision can depend on, each share found through the
 * views' side rows (db/job-rows.ts, series/rows.ts) in the order the views
 * indexed them, so one revision's share is read without reading every event.
 */
interface PolicyIndex {
  /** project + series -> every series.revision of it (any author: decide itself tells who may move a series on). */
  bySeries: (project: string, series: string) => RevisionEvent[]
  reviewsByTarget: (revision: string) => Array<Indexed<'review'>>
  jobsByRevision: (revision: string) => Array<Indexed<'job.request'>>
  /** Job inputs (machines/job-inputs.ts) -> baseline jobs (no revision) of them; and -> the series jobs whose baseline they are. */
  baselinesByInputs: (inputs: string) => Array<Indexed<'job.request'>>
  seriesJobsByBaseline: (inputs: string) => Array<Indexed<'job.request'>>
  /** Test-run identity -> its results: a baseline's noise for a metric gate. */
  resultsByTestRun: (testRun: string) => Array<Indexed<'result'>>
  resultsByJob: (job: string) => Array<Indexed<'result'>>
  resultById: (id: string) => Indexed<'result'> | undefined
  /** result id -> results that say they reuse it */
  reusedBy: (result: string) => Array<Indexed<'result'>>
  mergesByRevision: (revision: string) => Array<Indexed<'merge'>>
  /** EventId -> the series.revision events that list it in `replaces` */
  replacedBy: (id: string) => RevisionEvent[]
}

export function policyIndex (views: Views): PolicyIndex {
  const keyed = <T extends CairnEvent['type']>(what: Parameters<Views['keyed']>[0]) => (key: string): Array<Indexed<T>> => views.keyed(what, key, 'arrival') as Array<Indexed<T>>
  return {
    bySeries: (project, series) => keyed<'series.revision'>('series.events')(series).filter((e) => e.body.project === project),
    reviewsByTarget: keyed('review.target'),
    jobsByRevision: keyed('job.revision'),
    baselinesByInputs: keyed('job.inputs'),
    seriesJobsByBaseline: keyed('job.baseline'),
    resultsByTestRun: keyed('result.testRun'),
    resultsByJob: keyed('result.job'),
    resultById: (id) => {
      const e = /^[0-9a-f]{64}$/.test(id) ? views.event(id) : undefined
      return e?.type === 'result' ? e as Indexed<'result'> : undefined
    },
    reusedBy: keyed('result.reuses'),
    mergesByRevision: keyed('merge.revision'),
    replacedBy: keyed('series.replacedBy')
  }
}

export function revisionEvent (views: Views, id: string): RevisionEvent | null {
  const e = views.event(id)
  return e !== undefined && e.type === 'series.revision' ? e as RevisionEvent : null
}

/** Every revision of the same project and series, the revision itself included. */
export function seriesRevisions (views: Views, revision: RevisionEvent): RevisionEvent[] {
  const all = policyIndex(views).bySeries(revision.body.project, revision.body.series)
  return all.length === 0 ? [revision] : all
}

/** Hops a chain of `reused` results is followed, as machines/facts.ts does. */
const REUSE_HOPS = 8

/**
 * Exactly the events `decide` reads for one revision (machines/facts.ts):
 * the revisions of its series and those it replaces, reviews of any of them (carried over or not),
 * the job requests of this revision, their results and the results those
 * reuse, their baselines' jobs and results with the other runs of those
 * results' test-run identities (a metric gate's reference and noise), and
 * merges of it. Deciding over this share gives the same decision as
 * deciding over every event, without a scan per revision.
 */
export function eventsFor (views: Views, revision: RevisionEvent): IndexedEvent[] {
  const index = policyIndex(views)
  const out: IndexedEvent[] = []
  const replaced = (revision.body.replaces ?? []).map((id) => revisionEvent(views, id)).filter((r): r is RevisionEvent => r !== null)
  const revisions = [...seriesRevisions(views, revision), ...replaced]
  out.push(...revisions)
  for (const r of revisions) out.push(...(index.reviewsByTarget(r.id)))
  /** The job's results, each with the chain of results it reuses; the last of each chain. */
  const resultsOf = (job: Indexed<'job.request'>): Array<Indexed<'result'>> => {
    const ran: Array<Indexed<'result'>> = []
    for (const result of index.resultsByJob(job.id)) {
      out.push(result)
      let cur = result
      for (let hop = 0; hop < REUSE_HOPS && cur.body.reuses !== undefined; hop++) {
        const next = index.resultById(cur.body.reuses)
        if (next === undefined) break
        out.push(next)
        cur = next
      }
      ran.push(cur)
    }
    return ran
  }
  for (const job of index.jobsByRevision(revision.id)) {
    out.push(job)
    resultsOf(job)
    for (const baseline of index.baselinesByInputs(jobInputsKey(baselineOf(job.body)))) {
      out.push(baseline)
      for (const run of resultsOf(baseline)) out.push(...(index.resultsByTestRun(run.body.testRun)))
    }
  }
  out.push(...(index.mergesByRevision(revision.id)))
  return [...new Map(out.map((e) => [e.id, e])).values()] // a reused result may also be one of the job's own
}

/**
 * The revisions whose decision an event can change: used by the maintainer
 * loop to decide again only where needed. 'all' for trust and identity
 * changes, which change who counts everywhere.
 */
export function affectedBy (views: Views, e: IndexedEvent): string[] | 'all' {
  const index = policyIndex(views)
  // A review of a revision may count for its series' later versions and for the revisions replacing it.
  const revisionsOfSeries = (revisionId: string): string[] => {
    const r = revisionEvent(views, revisionId)
    if (r === null) return []
    const replacers = index.replacedBy(revisionId)
    return [...seriesRevisions(views, r), ...replacers.flatMap((x) => seriesRevisions(views, x))].map((x) => x.id)
  }
  switch (e.type) {
    case 'trust.set': return e.author === views.root ? 'all' : []
    // Names and emails matter only for identities this node trusts (display, bridged trailers).
    case 'identity.link': return views.trust.has(e.author) ? 'all' : []
    case 'series.revision': return seriesRevisions(views, e as RevisionEvent).map((x) => x.id)
    // A review of v1 may carry over to v2 and later: the whole series.
    case 'review': return revisionsOfSeries(e.body.target.revision)
    case 'job.request': return e.body.revision === undefined ? [] : [e.body.revision]
    case 'merge': return [e.body.revision]
    case 'result': {
      const out = new Set<string>()
      const visit = (r: IndexedEvent & CairnEvent<'result'>, hops: number): void => {
        const job = r.body.job === undefined ? undefined : views.event(r.body.job)
        if (job !== undefined && job.type === 'job.request' && job.body.revision !== undefined) out.add(job.body.revision)
        // a baseline's result: the revisions whose jobs it is the baseline of (a metric gate compares with it)
        if (job !== undefined && job.type === 'job.request' && job.body.revision === undefined) {
          for (const s of index.seriesJobsByBaseline(jobInputsKey(job.body))) if (s.body.revision !== undefined) out.add(s.body.revision)
        }
        if (hops < REUSE_HOPS) for (const by of index.reusedBy(r.id)) visit(by, hops + 1)
      }
      visit(e as Indexed<'result'>, 0)
      return [...out]
    }
    default: return []
  }
}
