import { pathMatcher } from '../../machines/match.js'
import { CairnError } from '../../protocol/errors.js'
import type { CairnEvent } from '../../protocol/event.js'
import type { BodyOf, EventType } from '../../protocol/schemas.js'
import type { IndexedEvent, Views } from '../views.js'
import { byTsThenId } from '../views.js'
import type { DecisionEvent } from './decisions.js'
import { deriveOver } from './derive-over.js'

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

/** Series, their revisions and the reviews of each, derived from series.revision and review events. */
export function seriesIndex (views: Views): SeriesIndex {
  return deriveOver(views, SERIES_TYPES, 'series', buildSeriesIndex)
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

function buildSeriesIndex (views: Views): SeriesIndex {
  const index: SeriesIndex = { series: new Map(), byMessageId: new Map(), byChangeId: new Map(), byRevisionEvent: new Map() }
  const revisions = new Map<string, RevisionView>()
  const events = [...(views.byType.get('series.revision') ?? [])].sort(byTsThenId) as RevisionEvent[]
  const replacedBy = replacements(views, events)
  for (const e of events) {
    if (replacedBy.has(e.id)) continue
    const key = `${e.body.series}\u0000${e.body.version}`
    const existing = revisions.get(key)
    const revision: RevisionView = { id: e.id, eventIds: [...(existing?.eventIds ?? []), e.id], series: e.body.series, version: e.body.version, author: e.author, ts: e.ts, body: e.body, reviews: [] }
    revisions.set(key, revision) // later (ts, id) wins: the most complete republication
  }
  for (const revision of revisions.values()) for (const id of revision.eventIds) index.byRevisionEvent.set(id, revision)
  // A retired event's reviews count for the revision that took its mails over.
  for (const old of [...replacedBy.keys()].sort()) {
    let at = old
    for (let hops = 0; hops < 64 && replacedBy.has(at); hops++) at = replacedBy.get(at) as string
    const revision = index.byRevisionEvent.get(at)
    if (revision === undefined) continue
    revision.eventIds.push(old)
    index.byRevisionEvent.set(old, revision)
  }
  for (const revision of revisions.values()) {
    let series = index.series.get(revision.series)
    if (series === undefined) {
      series = { id: revision.series, project: revision.body.project, subject: revision.body.subject, revisions: [], latest: revision, messageIds: [] }
      index.series.set(revision.series, series)
    }
    series.revisions.push(revision)
  }
  for (const series of index.series.values()) {
    series.revisions.sort((a, b) => a.version - b.version)
    series.latest = series.revisions[series.revisions.length - 1] as RevisionView
    series.subject = series.latest.body.subject
    series.project = series.latest.body.project
    const changeId = series.revisions.map((r) => r.body.changeId).find((c) => c !== undefined)
    if (changeId !== undefined) {
      series.changeId = changeId
      index.byChangeId.set(changeId, series.id)
    }
    for (const r of series.revisions) {
      for (const m of r.body.source.messageIds) {
        series.messageIds.push(m)
        index.byMessageId.set(m, series.id)
      }
    }
  }
  // One review per (author, Message-ID): a bridge republishes a reply it regrouped, the latest counts.
  const reviews = new Map<string, ReviewEvent>()
  for (const e of [...(views.byType.get('review') ?? [])].sort(byTsThenId) as ReviewEvent[]) {
    reviews.set(e.body.messageId === undefined ? e.id : `${e.author}\u0000${e.body.messageId}`, e)
  }
  for (const e of reviews.values()) {
    const revision = index.byRevisionEvent.get(e.body.target.revision)
    if (revision !== undefined) revision.reviews.push(e)
  }
  for (const r of revisions.values()) r.reviews.sort(byTsThenId)
  return index
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
  if (matches.size > 1) throw new CairnError('AMBIGUOUS', `"${ref}" matches ${matches.size} series: ${[...matches].slice(0, 5).join(', ')}${matches.size > 5 ? ', ...' : ''}`)
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

/** What seriesState reads besides the series, built again only when an event of STATE_TYPES arrives (a list of many series asks for each). */
function stateFacts (views: Views): StateFacts {
  return deriveOver(views, STATE_TYPES, 'series/state', (v) => {
    const facts: StateFacts = { merged: new Set(), decisions: new Map(), jobs: new Map(), verdicts: new Map() }
    const add = <T>(map: Map<string, T[]>, key: string, value: T): void => {
      const list = map.get(key)
      if (list === undefined) map.set(key, [value])
      else list.push(value)
    }
    for (const e of v.byType.get('merge') ?? []) if (e.type === 'merge') facts.merged.add(e.body.revision)
    for (const e of v.byType.get('decision') ?? []) if (e.type === 'decision') add(facts.decisions, e.body.revision, e as DecisionEvent)
    for (const e of v.byType.get('job.request') ?? []) if (e.type === 'job.request' && e.body.revision !== undefined) add(facts.jobs, e.body.revision, e.id)
    for (const e of v.byType.get('result') ?? []) if (e.type === 'result' && e.body.job !== undefined) add(facts.verdicts, e.body.job, e.body.verdict)
    return facts
  })
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

/** Series matching the filter, newest first (by the latest revision's mail date, then (ts, id)). */
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
  const when = (s: SeriesView): number => s.latest.body.date ?? s.latest.ts
  return out.sort((a, b) => when(b) - when(a) || -byTsThenId(a.latest, b.latest))
}
