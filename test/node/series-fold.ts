/**
 * The reference the series rows are checked against (series-rows.test.ts):
 * the fold over every series.revision and review event that the views kept
 * in memory before the series moved to rows (node/views/series/), and the
 * state it gave from every merge, decision, job and result.
 */
import { hasRole } from '../../machines/trust.js'
import type { EventType } from '../../protocol/schemas.js'
import type { IndexedEvent, Views } from '../../node/views/views.js'
import { byTsThenId } from '../../node/views/views.js'
import type { DecisionEvent, RevisionEvent, RevisionView, ReviewEvent, SeriesView } from '../../node/views/series/model.js'
import { patchTrailers } from '../../node/views/series/trailers.js'
import { makeSeries } from '../../node/views/series/build.js'
import { findSeries, seriesState } from '../../node/views/series/index.js'
import { seriesMap } from '../helpers/series.js'

interface SeriesIndex {
  series: Map<string, SeriesView>
  byMessageId: Map<string, string>
  byChangeId: Map<string, string>
  /** Any revision EventId -> its revision */
  byRevisionEvent: Map<string, RevisionView>
}

function addTo<T> (map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/** Series, their revisions and the reviews of each, folded from every series.revision and review event. */
function foldSeriesIndex (views: Views): SeriesIndex {
  return buildSeriesFold(views).index
}

/**
 * Which events `replaces` retires: only an event of the same author can
 * retire another (anyone may publish a series.revision, nobody may hide
 * someone else's). Maps the retired EventId to the one that retired it.
 */
function replacements (views: Views, events: readonly RevisionEvent[]): Map<string, string> {
  const replacedBy = new Map<string, string>()
  for (const e of events) {
    for (const old of e.body.replaces ?? []) {
      const target = views.event(old)
      if (target?.type === 'series.revision' && target.author === e.author && old !== e.id) replacedBy.set(old, e.id)
    }
  }
  return replacedBy
}

/** The series index and what folding it needs. */
interface SeriesFold {
  index: SeriesIndex
  /** Every EventId a folded series.revision names in `replaces`, here or not, of any author. */
  named: Set<string>
  /** The events `replaces` retired: they sort after the events in force in a revision's eventIds. */
  retired: Set<string>
  /** Per series, its newest event in force by (ts, EventId). */
  newest: Map<string, RevisionEvent>
  /** The first event of the series last in `index.series` (they go in the order of their first event). */
  lastFirst: RevisionEvent | undefined
  /** The review that counts per (author, Message-ID), or per review without one. */
  counted: Map<string, ReviewEvent>
  /** A revision EventId -> the counted reviews naming it. */
  reviewsOf: Map<string, ReviewEvent[]>
}

const revisionKey = (e: RevisionEvent): string => `${e.body.series}\u0000${e.body.version}`
// One review per (author, Message-ID): a bridge republishes a reply it regrouped, the latest counts.
const reviewKey = (e: ReviewEvent): string => e.body.messageId === undefined ? e.id : `${e.author}\u0000${e.body.messageId}`

function sortedOfType<E extends IndexedEvent> (views: Views, type: EventType): E[] {
  return [...(views.ofType(type))].sort(byTsThenId) as E[]
}


/** The counted reviews of any of a revision's EventIds, oldest first. */
function reviewsFor (eventIds: readonly string[], reviewsOf: Map<string, ReviewEvent[]>): ReviewEvent[] {
  const one = eventIds.length === 1 ? reviewsOf.get(eventIds[0] as string) : undefined // the usual case, without flatMap's arrays
  return (one === undefined ? eventIds.flatMap((id) => reviewsOf.get(id) ?? []) : [...one]).sort(byTsThenId)
}

function makeRevision (e: RevisionEvent, eventIds: string[], reviewsOf: Map<string, ReviewEvent[]>): RevisionView {
  return { id: e.id, eventIds, series: e.body.series, version: e.body.version, author: e.author, ts: e.ts, body: e.body, reviews: reviewsFor(eventIds, reviewsOf) }
}

function buildSeriesFold (views: Views): SeriesFold {
  const events = sortedOfType<RevisionEvent>(views, 'series.revision')
  const replacedBy = replacements(views, events)
  const fold: SeriesFold = {
    index: { series: new Map(), byMessageId: new Map(), byChangeId: new Map(), byRevisionEvent: new Map() },
    named: new Set(events.flatMap((e) => e.body.replaces ?? [])),
    retired: new Set(replacedBy.keys()),
    newest: new Map(),
    lastFirst: undefined,
    counted: new Map(),
    reviewsOf: new Map()
  }
  for (const e of sortedOfType<ReviewEvent>(views, 'review')) fold.counted.set(reviewKey(e), e)
  for (const e of fold.counted.values()) addTo(fold.reviewsOf, e.body.target.revision, e)
  // Per (series, version), in the order of its first event: the later (ts, id) is in force, the most complete republication.
  const groups = new Map<string, { first: RevisionEvent, last: RevisionEvent, ids: string[], retired: string[] }>()
  const keyOf = new Map<string, string>()
  for (const e of events) {
    if (replacedBy.has(e.id)) continue
    const key = revisionKey(e)
    const group = groups.get(key)
    if (group === undefined) {
      groups.set(key, { first: e, last: e, ids: [e.id], retired: [] })
    } else {
      group.last = e
      group.ids.push(e.id)
    }
    if (replacedBy.size > 0) keyOf.set(e.id, key) // needed only to place the retired events
  }
  // A retired event's reviews count for the revision that took its mails over.
  for (const old of [...replacedBy.keys()].sort()) {
    let at = old
    for (let hops = 0; hops < 64 && replacedBy.has(at); hops++) at = replacedBy.get(at) as string
    const key = keyOf.get(at)
    if (key === undefined) continue
    groups.get(key)?.retired.push(old)
    keyOf.set(old, key) // as a lookup by EventId would find it from now on
  }
  const bySeries = new Map<string, { first: RevisionEvent, newest: RevisionEvent, revisions: RevisionView[] }>()
  for (const { first, last, ids, retired } of groups.values()) {
    const revision = makeRevision(last, retired.length === 0 ? ids : [...ids, ...retired], fold.reviewsOf)
    const entry = bySeries.get(revision.series)
    if (entry === undefined) {
      bySeries.set(revision.series, { first, newest: last, revisions: [revision] })
    } else {
      entry.revisions.push(revision)
      if (byTsThenId(last, entry.newest) > 0) entry.newest = last
    }
  }
  for (const [id, { first, newest, revisions }] of bySeries) {
    const series = makeSeries(id, revisions)
    fold.index.series.set(id, series)
    fold.newest.set(id, newest)
    fold.lastFirst = first
    if (series.changeId !== undefined) fold.index.byChangeId.set(series.changeId, id)
    for (const m of series.messageIds) fold.index.byMessageId.set(m, id)
    for (const r of series.revisions) for (const eventId of r.eventIds) fold.index.byRevisionEvent.set(eventId, r)
  }
  return fold
}

const APPROVALS = new Set(['reviewed-by', 'acked-by', 'reviewed-and-tested-by'])

/** The state the fold gave: every merge, decision, job and result read. */
function foldSeriesState (views: Views, series: SeriesView): string {
  const trust = views.trust
  const merges = views.ofType('merge').filter((e) => e.type === 'merge' && hasRole(trust, e.author, 'maintainer'))
  const merged = (r: RevisionView): boolean => merges.some((e) => e.type === 'merge' && r.eventIds.includes(e.body.revision))
  if (series.revisions.some(merged)) return 'merged'
  const revision = series.latest
  if (series.revisions.some((r) => r.version > revision.version)) return 'superseded'
  const decision = (views.ofType('decision') as DecisionEvent[]).filter((d) => revision.eventIds.includes(d.body.revision) && hasRole(trust, d.author, 'maintainer')).sort(byTsThenId).pop()
  if (decision !== undefined) return decision.body.state
  const collected = [...patchTrailers(series, revision).values()].flatMap((p) => p.collected)
  if (collected.some((t) => t.key.toLowerCase() === 'nacked-by')) return 'rejected'
  if (revision.body.patches.some((p) => p.missing === true)) return 'incomplete'
  const jobs = views.ofType('job.request').filter((e) => e.type === 'job.request' && e.body.revision !== undefined && revision.eventIds.includes(e.body.revision)).map((e) => e.id)
  const verdicts = views.ofType('result').flatMap((e) => e.type === 'result' && e.body.job !== undefined && jobs.includes(e.body.job) ? [e.body.verdict] : [])
  if (verdicts.some((v) => v === 'fail' || v === 'error' || v === 'apply-failed')) return 'tested.fail'
  if (jobs.length > 0 && verdicts.length === 0) return 'testing'
  if (collected.some((t) => APPROVALS.has(t.key.toLowerCase()))) return 'reviewed'
  if (verdicts.length > 0) return 'tested.pass'
  return 'new'
}

/** The references findSeries is asked: ids, Message-IDs, change-ids, revision EventIds and their prefixes, and misses. */
function refsOf (views: Views): string[] {
  const refs = new Set(['s0', 's1', 'shared@x', '<shared@x>', 'c-shared', 'c-s0', 'c-s1', 'nothing@x', 'p1-s0@x'])
  for (const e of views.ofType('series.revision')) {
    if (e.type !== 'series.revision') continue
    refs.add(e.id).add(e.id.slice(0, 8)).add(e.id.slice(0, 4)).add(e.body.series)
    for (const m of e.body.source.messageIds) refs.add(m)
  }
  return [...refs].sort()
}

const answer = (find: () => SeriesView): string => {
  try {
    return find().id
  } catch (err) {
    return (err as Error).message
  }
}

/** findSeries as it was over the fold's maps. */
function foldFind (index: SeriesIndex, ref: string): SeriesView {
  const wanted = ref.trim().replace(/^<(.*)>$/, '$1')
  const exact = index.series.get(wanted) ?? index.series.get(index.byMessageId.get(wanted) ?? '') ??
    index.series.get(index.byChangeId.get(wanted) ?? '') ?? index.series.get(index.byRevisionEvent.get(wanted)?.series ?? '')
  if (exact !== undefined) return exact
  if (wanted.length < 4) throw new Error(`NOT_FOUND: no series "${ref}"; give at least 4 characters of an id`)
  const matches = new Set<string>()
  for (const id of index.series.keys()) if (id.startsWith(wanted)) matches.add(id)
  for (const [eventId, r] of index.byRevisionEvent) if (eventId.startsWith(wanted)) matches.add(r.series)
  if (matches.size === 1) return index.series.get([...matches][0] as string) as SeriesView
  if (matches.size > 1) throw new Error(`AMBIGUOUS: "${ref}" matches ${matches.size} series: ${[...matches].sort().slice(0, 5).join(', ')}${matches.size > 5 ? ', ...' : ''}`)
  throw new Error(`NOT_FOUND: no series matches "${ref}" (tried series id, Message-ID, change-id, revision EventId and id prefixes)`)
}

/** The series, lookups and states the rows give. */
export function rowsAnswers (views: Views): Record<string, unknown> {
  const series = seriesMap(views)
  return {
    series: JSON.stringify([...series.entries()]), // in order: the order events arrived in must not show
    found: refsOf(views).map((ref) => [ref, answer(() => findSeries(views, ref))]),
    states: [...series.values()].map((s) => [s.id, seriesState(views, s)])
  }
}

/** The same from the fold over every event. */
export function foldAnswers (views: Views): Record<string, unknown> {
  const index = foldSeriesIndex(views)
  return {
    series: JSON.stringify([...index.series.entries()]),
    found: refsOf(views).map((ref) => [ref, answer(() => foldFind(index, ref))]),
    states: [...index.series.values()].map((s) => [s.id, foldSeriesState(views, s)])
  }
}
