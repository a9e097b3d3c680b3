import { pathMatcher } from '../../machines/match.js'
import { CairnError } from '../../protocol/errors.js'
import type { CairnEvent } from '../../protocol/event.js'
import type { BodyOf, EventType } from '../../protocol/schemas.js'
import type { IndexedEvent, Views } from './views.js'
import { byTsThenId } from './views.js'
import type { DecisionEvent } from './decisions.js'
import { deriveOver, deriveOverIncrementally } from './derive-over.js'

type RevisionBody = BodyOf<'series.revision'>
type RevisionEvent = IndexedEvent & CairnEvent<'series.revision'>
type ReviewEvent = IndexedEvent & CairnEvent<'review'>

/** One revision (v1, v2, ...) of a series as the views see it. */
export interface RevisionView {
  /** The EventId of the series.revision event in force (the latest for this series and version). */
  id: string
  /**
   * Every series.revision EventId that stands for this series and version: its
   * republications (a bridge republishes when late patches arrive) and the
   * events it replaces (`replaces`: mails regrouped under another series id).
   */
  eventIds: string[]
  series: string
  version: number
  author: string
  ts: number
  body: RevisionBody
  reviews: ReviewEvent[]
}

export interface SeriesView {
  id: string
  project: string
  subject: string
  changeId?: string
  revisions: RevisionView[]
  latest: RevisionView
  messageIds: string[]
}

export interface SeriesIndex {
  series: Map<string, SeriesView>
  byMessageId: Map<string, string>
  byChangeId: Map<string, string>
  /** Any revision EventId -> its revision */
  byRevisionEvent: Map<string, RevisionView>
}

/** The event types the series index is built from. */
export const SERIES_TYPES: readonly EventType[] = ['series.revision', 'review']
/** The event types seriesState reads besides the series index. */
export const STATE_TYPES: readonly EventType[] = ['merge', 'decision', 'job.request', 'result']

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
      const target = views.events.get(old)
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
  return [...(views.byType.get(type) ?? [])].sort(byTsThenId) as E[]
}

function addTo<T> (map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
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
/**
 * Find a series by its id, a Message-ID of any of its mails (with or without
 * <>), its change-id, a revision EventId, or a unique prefix of a series id
 * or revision EventId. NOT_FOUND and AMBIGUOUS errors say what was tried.
 */
export function findSeries (views: Views, ref: string): SeriesView {
  const index = seriesIndex(views)
  const wanted = ref.trim().replace(/^<(.*)>$/, '$1')
  const exact = index.series.get(wanted) ??
    index.series.get(index.byMessageId.get(wanted) ?? '') ??
    index.series.get(index.byChangeId.get(wanted) ?? '') ??
    index.series.get(index.byRevisionEvent.get(wanted)?.series ?? '')
  if (exact !== undefined) return exact
  if (wanted.length < 4) throw new CairnError('NOT_FOUND', `no series "${ref}"; give at least 4 characters of an id`)
  const matches = new Set<string>()
  for (const id of index.series.keys()) if (id.startsWith(wanted)) matches.add(id)
  for (const [eventId, r] of index.byRevisionEvent) if (eventId.startsWith(wanted)) matches.add(r.series)
  if (matches.size === 1) return index.series.get([...matches][0] as string) as SeriesView
  // Sorted: the index's maps are in the order events arrived in, which differs between nodes.
  if (matches.size > 1) throw new CairnError('AMBIGUOUS', `"${ref}" matches ${matches.size} series: ${[...matches].sort().slice(0, 5).join(', ')}${matches.size > 5 ? ', ...' : ''}`)
  throw new CairnError('NOT_FOUND', `no series matches "${ref}" (tried series id, Message-ID, change-id, revision EventId and id prefixes)`)
}

/**
 * The revision `ref` names: a revision EventId (or unique prefix of one)
 * names that revision; anything else findSeries knows names its latest.
 */
export function findRevisionView (views: Views, ref: string): { series: SeriesView, revision: RevisionView } {
  const series = findSeries(views, ref)
  const wanted = ref.trim().toLowerCase()
  if (/^[0-9a-f]{8,64}$/.test(wanted)) {
    const named = series.revisions.filter((r) => r.eventIds.some((id) => id.startsWith(wanted)))
    if (named.length === 1) return { series, revision: named[0] as RevisionView }
  }
  return { series, revision: series.latest }
}

/** How many of a revision's patches 1..total are here (the cover letter not counted). */
export function presentPatches (body: RevisionBody): number {
  return body.patches.filter((p) => p.missing !== true && p.index > 0).length
}

export interface PatchTrailer { key: string, value: string, review: string, author: string }

/**
 * Trailers given in reviews, per patch index (1..total). A review of the
 * whole revision (no patch, or patch 0: the cover letter) applies to every
 * patch, as b4 does.
 */
export function trailersByPatch (revision: RevisionView): Map<number, PatchTrailer[]> {
  const out = new Map<number, PatchTrailer[]>()
  const indexes = revision.body.patches.map((p) => p.index).filter((i) => i > 0)
  for (const review of revision.reviews) {
    const target = review.body.target.patch ?? 0
    const applies = target === 0 ? indexes : [target]
    for (const index of applies) {
      const list = out.get(index) ?? []
      for (const t of review.body.trailers) {
        if (!list.some((x) => x.key === t.key && x.value === t.value)) list.push({ key: t.key, value: t.value, review: review.id, author: review.author })
      }
      out.set(index, list)
    }
  }
  return out
}

/** b4 compares trailers by key and value, case-insensitively. */
export const trailerKey = (t: { key: string, value: string }): string => `${t.key.toLowerCase()}: ${t.value.toLowerCase()}`

export interface PatchTrailers {
  /** Already in the commit message. */
  own: Array<{ key: string, value: string }>
  /** Given in reviews and not already in the commit message, first review first. */
  collected: PatchTrailer[]
}

/**
 * What `git am` with collected trailers would give each present patch (b4's
 * am-ready set): its own trailers, plus trailers from reviews of that patch
 * and of the whole revision. A partial reroll's carried patch also collects
 * the reviews it got in the version it comes from, and an inherited cover's
 * reviews apply as the cover's own.
 */
export function patchTrailers (series: SeriesView, revision: RevisionView): Map<number, PatchTrailers> {
  const byVersion = new Map(series.revisions.map((r) => [r.version, r]))
  const whole = (r: RevisionView | undefined): ReviewEvent[] => (r?.reviews ?? []).filter((e) => (e.body.target.patch ?? 0) === 0)
  const coverFrom = revision.body.cover?.inheritedFrom
  const wholeReviews = [...whole(revision), ...(coverFrom === undefined ? [] : whole(byVersion.get(coverFrom)))]
  const out = new Map<number, PatchTrailers>()
  for (const p of revision.body.patches) {
    if (p.missing === true || p.index === 0) continue
    const own = (p.trailers ?? []).map((t) => ({ key: t.key, value: t.value }))
    const seen = new Set(own.map(trailerKey))
    const source = p.carriedFrom === undefined ? undefined : byVersion.get(p.carriedFrom)
    const sourceIndex = source?.body.patches.find((q) => q.messageId !== undefined && q.messageId === p.messageId)?.index
    const reviews = [
      ...revision.reviews.filter((e) => e.body.target.patch === p.index),
      ...(source === undefined || sourceIndex === undefined ? [] : source.reviews.filter((e) => e.body.target.patch === sourceIndex)),
      ...wholeReviews
    ]
    const collected: PatchTrailer[] = []
    for (const review of reviews.sort(byTsThenId)) {
      for (const t of review.body.trailers) {
        const key = trailerKey(t)
        if (seen.has(key)) continue
        seen.add(key)
        collected.push({ key: t.key, value: t.value, review: review.id, author: review.author })
      }
    }
    out.set(p.index, { own, collected })
  }
  return out
}

const APPROVALS = new Set(['reviewed-by', 'acked-by', 'reviewed-and-tested-by'])

/**
 * Where a series stands, from what this node has indexed: `merged` (a merge
 * event for any revision), else where its latest revision stands
 * (revisionState).
 */
export function seriesState (views: Views, series: SeriesView, trailers?: Map<number, PatchTrailers>): string {
  const merged = stateFacts(views).merged
  if (series.revisions.some((r) => r.eventIds.some((id) => merged.has(id)))) return 'merged'
  return revisionState(views, series, series.latest, trailers)
}

/** The newest decision (by (ts, EventId)) on any publication of the revision, whoever published it, or null. */
export function newestDecision (views: Views, revision: RevisionView): DecisionEvent | null {
  const decisions = stateFacts(views).decisions
  return revision.eventIds.flatMap((id) => decisions.get(id) ?? []).sort(byTsThenId).pop() ?? null
}

/**
 * Where one revision stands: `merged` (a merge event for it), `superseded`
 * (a newer version exists, as the lifecycle machine says), else its newest
 * decision's state, else `rejected` (a Nacked-by), `incomplete` (patches
 * missing), `tested.fail`, `testing` (jobs, no result yet), `reviewed` (an
 * approval trailer), `tested.pass`, `new`. The names follow
 * machines/revision-lifecycle. `trailers`: its patchTrailers, when the
 * caller has them already.
 */
export function revisionState (views: Views, series: SeriesView, revision: RevisionView, trailers = patchTrailers(series, revision)): string {
  const facts = stateFacts(views)
  if (revision.eventIds.some((id) => facts.merged.has(id))) return 'merged'
  if (series.revisions.some((r) => r.version > revision.version)) return 'superseded'
  const decision = newestDecision(views, revision)
  if (decision !== null) return decision.body.state
  const collected = [...trailers.values()].flatMap((p) => p.collected)
  if (collected.some((t) => t.key.toLowerCase() === 'nacked-by')) return 'rejected'
  if (revision.body.patches.some((p) => p.missing === true)) return 'incomplete'
  const jobs = revision.eventIds.flatMap((id) => facts.jobs.get(id) ?? [])
  const verdicts = jobs.flatMap((job) => facts.verdicts.get(job) ?? [])
  if (verdicts.some((v) => v === 'fail' || v === 'error' || v === 'apply-failed')) return 'tested.fail'
  if (jobs.length > 0 && verdicts.length === 0) return 'testing'
  if (collected.some((t) => APPROVALS.has(t.key.toLowerCase()))) return 'reviewed'
  if (verdicts.length > 0) return 'tested.pass'
  return 'new'
}

interface StateFacts {
  /** Revision EventIds a merge event names. */
  merged: Set<string>
  decisions: Map<string, DecisionEvent[]>
  /** revision EventId -> job.request ids */
  jobs: Map<string, string[]>
  /** job id -> verdicts of its results */
  verdicts: Map<string, string[]>
}

/** What seriesState reads besides the series, brought up to date when an event of STATE_TYPES arrives (a list of many series asks for each). */
function stateFacts (views: Views): StateFacts {
  const empty = (): StateFacts => ({ merged: new Set(), decisions: new Map(), jobs: new Map(), verdicts: new Map() })
  return deriveOverIncrementally(views, STATE_TYPES, 'series/state', (v) => addFacts(empty(), STATE_TYPES.map((t) => v.byType.get(t) ?? [])), addFacts)
}

/** Adds events of STATE_TYPES (in that order) to the facts: they only ever add, in arrival order, as a build does. */
function addFacts (facts: StateFacts, [merges, decisions, jobs, results]: ReadonlyArray<readonly IndexedEvent[]>): StateFacts {
  for (const e of merges ?? []) if (e.type === 'merge') facts.merged.add(e.body.revision)
  for (const e of decisions ?? []) if (e.type === 'decision') addTo(facts.decisions, e.body.revision, e as DecisionEvent)
  for (const e of jobs ?? []) if (e.type === 'job.request' && e.body.revision !== undefined) addTo(facts.jobs, e.body.revision, e.id)
  for (const e of results ?? []) if (e.type === 'result' && e.body.job !== undefined) addTo(facts.verdicts, e.body.job, e.body.verdict)
  return facts
}

/**
 * The revision EventIds whose state these events of STATE_TYPES (in that
 * order) may change: what a merge, decision or job names, and the
 * revision of the job a result is for.
 */
export function revisionsNamed (views: Views, [merges, decisions, jobs, results]: ReadonlyArray<readonly IndexedEvent[]>): string[] {
  const out: string[] = []
  for (const e of [...merges ?? [], ...decisions ?? [], ...jobs ?? []]) {
    if ((e.type === 'merge' || e.type === 'decision' || e.type === 'job.request') && e.body.revision !== undefined) out.push(e.body.revision)
  }
  for (const e of results ?? []) {
    const job = e.type === 'result' && e.body.job !== undefined ? views.events.get(e.body.job) : undefined
    if (job?.type === 'job.request' && job.body.revision !== undefined) out.push(job.body.revision)
  }
  return out
}

/**
 * The states seriesState and revisionState give (decisions carry the
 * lifecycle machine's), and `tested` for both tested.* states.
 */
export const SERIES_STATES: readonly string[] = ['new', 'incomplete', 'testing', 'tested', 'tested.pass', 'tested.fail', 'reviewed', 'ready', 'stale', 'rejected', 'superseded', 'merged']

export interface SeriesFilter {
  /** A state name, or its first part ('tested' matches tested.pass and tested.fail). */
  state?: string
  /** Globs over the paths the latest revision's patches touch. */
  paths?: string[]
  /** Trailer keys every present patch of the latest revision must carry (own or collected). */
  trailers?: string[]
  project?: string
}

/** Whether every present patch of the revision carries a trailer with this key. */
export function carriesTrailer (series: SeriesView, revision: RevisionView, key: string): boolean {
  const wanted = key.toLowerCase()
  const patches = [...patchTrailers(series, revision).values()]
  return patches.length > 0 && patches.every((p) => [...p.own, ...p.collected].some((t) => t.key.toLowerCase() === wanted))
}

/**
 * When a revision counts as sent, for newest-first lists: its mail date, but
 * never later than the event that published it (the publisher's clock), so
 * a mail dated in the future does not stay on top of every list.
 */
export function sentAt (revision: RevisionView): number {
  const date = revision.body.date
  return date === undefined ? revision.ts : Math.min(date, revision.ts)
}

/** Series matching the filter, newest first (by sentAt of the latest revision, then (ts, id)). */
export function listSeries (views: Views, filter: SeriesFilter = {}): SeriesView[] {
  const matchers = (filter.paths ?? []).map(pathMatcher)
  const out: SeriesView[] = []
  for (const s of seriesIndex(views).series.values()) {
    if (filter.project !== undefined && s.project !== filter.project) continue
    if (filter.state !== undefined) {
      const state = seriesState(views, s)
      if (state !== filter.state && state.split('.')[0] !== filter.state) continue
    }
    if (matchers.length > 0) {
      const files = s.latest.body.patches.flatMap((p) => p.files ?? [])
      if (!files.some((f) => matchers.some((m) => m(f)))) continue
    }
    if ((filter.trailers ?? []).some((key) => !carriesTrailer(s, s.latest, key))) continue
    out.push(s)
  }
  return out.sort((a, b) => sentAt(b.latest) - sentAt(a.latest) || -byTsThenId(a.latest, b.latest))
}
