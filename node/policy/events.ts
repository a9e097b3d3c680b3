import { baselineOf, jobInputsKey } from '../../machines/job-inputs.js'
import type { CairnEvent } from '../../protocol/event.js'
import type { IndexedEvent, Views } from '../views/views.js'

type Indexed<T extends CairnEvent['type']> = IndexedEvent & CairnEvent<T>
export type RevisionEvent = Indexed<'series.revision'>

/** The events a merge decision can depend on, grouped so one revision's share is found without a scan. */
interface PolicyIndex {
  /** project + series -> every series.revision of it (any author: decide itself tells who may move a series on). */
  bySeries: Map<string, RevisionEvent[]>
  reviewsByTarget: Map<string, Array<Indexed<'review'>>>
  jobsByRevision: Map<string, Array<Indexed<'job.request'>>>
  /** Job inputs (machines/job-inputs.ts) -> baseline jobs (no revision) of them; and -> the series jobs whose baseline they are. */
  baselinesByInputs: Map<string, Array<Indexed<'job.request'>>>
  seriesJobsByBaseline: Map<string, Array<Indexed<'job.request'>>>
  /** Test-run identity -> its results: a baseline's noise for a metric gate. */
  resultsByTestRun: Map<string, Array<Indexed<'result'>>>
  resultsByJob: Map<string, Array<Indexed<'result'>>>
  resultsById: Map<string, Indexed<'result'>>
  /** result id -> results that say they reuse it */
  reusedBy: Map<string, Array<Indexed<'result'>>>
  mergesByRevision: Map<string, Array<Indexed<'merge'>>>
  /** EventId -> the series.revision events that list it in `replaces` */
  replacedBy: Map<string, RevisionEvent[]>
}

const seriesKey = (body: { project: string, series: string }): string => `${body.project}\u0000${body.series}`

function push<V> (map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

export function policyIndex (views: Views): PolicyIndex {
  return views.derive('policy/index', (v) => {
    const index: PolicyIndex = { bySeries: new Map(), reviewsByTarget: new Map(), jobsByRevision: new Map(), baselinesByInputs: new Map(), seriesJobsByBaseline: new Map(), resultsByTestRun: new Map(), resultsByJob: new Map(), resultsById: new Map(), reusedBy: new Map(), mergesByRevision: new Map(), replacedBy: new Map() }
    const of = <T extends CairnEvent['type']>(type: T): Array<Indexed<T>> => (v.ofType(type)) as Array<Indexed<T>>
    for (const e of of('series.revision')) {
      push(index.bySeries, seriesKey(e.body), e)
      for (const old of e.body.replaces ?? []) push(index.replacedBy, old, e)
    }
    for (const e of of('review')) push(index.reviewsByTarget, e.body.target.revision, e)
    for (const e of of('job.request')) {
      if (e.body.revision === undefined) push(index.baselinesByInputs, jobInputsKey(e.body), e)
      else {
        push(index.jobsByRevision, e.body.revision, e)
        push(index.seriesJobsByBaseline, jobInputsKey(baselineOf(e.body)), e)
      }
    }
    for (const e of of('result')) {
      index.resultsById.set(e.id, e)
      push(index.resultsByTestRun, e.body.testRun, e)
      if (e.body.job !== undefined) push(index.resultsByJob, e.body.job, e)
      if (e.body.reuses !== undefined) push(index.reusedBy, e.body.reuses, e)
    }
    for (const e of of('merge')) push(index.mergesByRevision, e.body.revision, e)
    return index
  })
}

export function revisionEvent (views: Views, id: string): RevisionEvent | null {
  const e = views.event(id)
  return e !== undefined && e.type === 'series.revision' ? e as RevisionEvent : null
}

/** Every revision of the same project and series, the revision itself included. */
export function seriesRevisions (views: Views, revision: RevisionEvent): RevisionEvent[] {
  return policyIndex(views).bySeries.get(seriesKey(revision.body)) ?? [revision]
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
  for (const r of revisions) out.push(...(index.reviewsByTarget.get(r.id) ?? []))
  /** The job's results, each with the chain of results it reuses; the last of each chain. */
  const resultsOf = (job: Indexed<'job.request'>): Array<Indexed<'result'>> => {
    const ran: Array<Indexed<'result'>> = []
    for (const result of index.resultsByJob.get(job.id) ?? []) {
      out.push(result)
      let cur = result
      for (let hop = 0; hop < REUSE_HOPS && cur.body.reuses !== undefined; hop++) {
        const next = index.resultsById.get(cur.body.reuses)
        if (next === undefined) break
        out.push(next)
        cur = next
      }
      ran.push(cur)
    }
    return ran
  }
  for (const job of index.jobsByRevision.get(revision.id) ?? []) {
    out.push(job)
    resultsOf(job)
    for (const baseline of index.baselinesByInputs.get(jobInputsKey(baselineOf(job.body))) ?? []) {
      out.push(baseline)
      for (const run of resultsOf(baseline)) out.push(...(index.resultsByTestRun.get(run.body.testRun) ?? []))
    }
  }
  out.push(...(index.mergesByRevision.get(revision.id) ?? []))
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
    const replacers = index.replacedBy.get(revisionId) ?? []
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
          for (const s of index.seriesJobsByBaseline.get(jobInputsKey(job.body)) ?? []) if (s.body.revision !== undefined) out.add(s.body.revision)
        }
        if (hops < REUSE_HOPS) for (const by of index.reusedBy.get(r.id) ?? []) visit(by, hops + 1)
      }
      visit(e as Indexed<'result'>, 0)
      return [...out]
    }
    default: return []
  }
}
