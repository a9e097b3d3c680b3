/**
 * The series index, built from series.revision and review events and then
 * brought up to date one event at a time where that gives what a build would.
 */
import type { EventType } from '../../../protocol/schemas.js'
import type { IndexedEvent, Views } from '../views.js'
import { byTsThenId } from '../views.js'
import { deriveOverIncrementally } from '../derive-over.js'
import { addTo } from './model.js'
import type { RevisionEvent, RevisionView, ReviewEvent, SeriesIndex, SeriesView } from './model.js'

/** The event types the series index is built from. */
export const SERIES_TYPES: readonly EventType[] = ['series.revision', 'review']

/**
 * Series, their revisions and the reviews of each, derived from
 * series.revision and review events. New events are folded into the same
 * maps (updateSeriesFold): ask again after they arrive rather than keep it.
 */
export function seriesIndex (views: Views): SeriesIndex {
  return deriveOverIncrementally(views, SERIES_TYPES, 'series', buildSeriesFold, updateSeriesFold).index
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

/**
 * The series index and what bringing it up to date one event at a time
 * needs. Its maps are changed in place; a SeriesView or RevisionView is
 * never changed once made (a changed series is a new object), so whoever
 * compares them by identity sees which series changed.
 */
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

/** A series from its revisions: the latest version gives its subject and project, the first change-id found its change-id. */
function makeSeries (id: string, revisions: readonly RevisionView[]): SeriesView {
  const sorted = [...revisions].sort((a, b) => a.version - b.version)
  const latest = sorted[sorted.length - 1] as RevisionView
  const series: SeriesView = { id, project: latest.body.project, subject: latest.body.subject, revisions: sorted, latest, messageIds: sorted.flatMap((r) => r.body.source.messageIds) }
  const changeId = sorted.map((r) => r.body.changeId).find((c) => c !== undefined)
  if (changeId !== undefined) series.changeId = changeId
  return series
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

/**
 * Folds new events into the index, or says it cannot (undefined: build it
 * again). New revisions go first, oldest first, then reviews. What folds:
 * any review, and a series.revision with no `replaces` that no folded event
 * names in its `replaces`, newer by (ts, EventId) than every event in force
 * of its series (or, for a new series, than the first event of every
 * series), and that neither drops a Message-ID or change-id of its series
 * nor brings one another series has. Anything else could reorder, retire
 * or take over what is folded already.
 */
function updateSeriesFold (fold: SeriesFold, [revisions, reviews]: IndexedEvent[][]): SeriesFold | undefined {
  for (const e of [...revisions ?? []].sort(byTsThenId) as RevisionEvent[]) if (!foldRevision(fold, e)) return undefined
  for (const e of (reviews ?? []) as ReviewEvent[]) foldReview(fold, e)
  return fold
}

function foldRevision (fold: SeriesFold, e: RevisionEvent): boolean {
  if ((e.body.replaces ?? []).length > 0 || fold.named.has(e.id)) return false
  const old = fold.index.series.get(e.body.series)
  const after = old === undefined ? fold.lastFirst : fold.newest.get(old.id)
  if (after !== undefined && byTsThenId(e, after) <= 0) return false
  const prior = old?.revisions.find((r) => r.version === e.body.version)
  // In force first, (ts, id) order, then the retired ones: e is the newest in force.
  const ids = prior?.eventIds ?? []
  const split = ids.findIndex((id) => fold.retired.has(id))
  const eventIds = split < 0 ? [...ids, e.id] : [...ids.slice(0, split), e.id, ...ids.slice(split)]
  const revision = makeRevision(e, eventIds, fold.reviewsOf)
  if (!replaceSeries(fold.index, old, makeSeries(e.body.series, [...(old?.revisions ?? []).filter((r) => r !== prior), revision]))) return false
  fold.newest.set(e.body.series, e)
  if (old === undefined) fold.lastFirst = e
  return true
}

/** The review counts unless a later republication of it (same author and Message-ID) does; its revision gets it. */
function foldReview (fold: SeriesFold, e: ReviewEvent): void {
  const key = reviewKey(e)
  const before = fold.counted.get(key)
  if (before !== undefined && byTsThenId(before, e) > 0) return
  fold.counted.set(key, e)
  if (before !== undefined) {
    const list = fold.reviewsOf.get(before.body.target.revision) ?? []
    const at = list.indexOf(before)
    if (at >= 0) list.splice(at, 1)
  }
  addTo(fold.reviewsOf, e.body.target.revision, e)
  for (const target of new Set([before?.body.target.revision, e.body.target.revision])) {
    const revision = fold.index.byRevisionEvent.get(target ?? '')
    const series = fold.index.series.get(revision?.series ?? '')
    if (revision === undefined || series === undefined) continue
    const next = { ...revision, reviews: reviewsFor(revision.eventIds, fold.reviewsOf) }
    // The same bodies, so the same Message-IDs and change-id: this cannot be refused.
    replaceSeries(fold.index, series, makeSeries(series.id, series.revisions.map((r) => r === revision ? next : r)))
  }
}

/**
 * Puts `next` in place of `old` (same id; absent for a new series, which
 * goes last), or says it cannot: which of two series a shared Message-ID
 * or change-id finds depends on their order, which a build works out.
 */
function replaceSeries (index: SeriesIndex, old: SeriesView | undefined, next: SeriesView): boolean {
  if (old?.changeId !== undefined && old.changeId !== next.changeId) return false
  const newChangeId = next.changeId !== undefined && next.changeId !== old?.changeId
  if (newChangeId && index.byChangeId.has(next.changeId as string)) return false
  const had = new Set(old?.messageIds)
  const kept = new Set(next.messageIds)
  if (old !== undefined && old.messageIds.some((m) => !kept.has(m))) return false
  const brought = [...kept].filter((m) => !had.has(m))
  if (brought.some((m) => index.byMessageId.has(m))) return false
  index.series.set(next.id, next)
  if (newChangeId) index.byChangeId.set(next.changeId as string, next.id)
  for (const m of brought) index.byMessageId.set(m, next.id)
  for (const r of next.revisions) for (const id of r.eventIds) index.byRevisionEvent.set(id, r)
  return true
}
