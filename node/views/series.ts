import { CairnError } from '../../protocol/errors.js'
import type { CairnEvent } from '../../protocol/event.js'
import type { BodyOf } from '../../protocol/schemas.js'
import type { IndexedEvent, Views } from '../views.js'
import { byTsThenId } from '../views.js'

type RevisionBody = BodyOf<'series.revision'>
type ReviewEvent = IndexedEvent & CairnEvent<'review'>

/** One revision (v1, v2, ...) of a series as the views see it. */
export interface RevisionView {
  /** The EventId of the series.revision event in force (the latest for this series and version). */
  id: string
  /** Every series.revision EventId published for this series and version (a bridge republishes when late patches arrive). */
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

/** Series, their revisions and the reviews of each, derived from series.revision and review events. */
export function seriesIndex (views: Views): SeriesIndex {
  return views.derive('series', buildSeriesIndex)
}

function buildSeriesIndex (views: Views): SeriesIndex {
  const index: SeriesIndex = { series: new Map(), byMessageId: new Map(), byChangeId: new Map(), byRevisionEvent: new Map() }
  const revisions = new Map<string, RevisionView>()
  const events = [...(views.byType.get('series.revision') ?? [])].sort(byTsThenId) as Array<IndexedEvent & CairnEvent<'series.revision'>>
  for (const e of events) {
    const key = `${e.body.series}\u0000${e.body.version}`
    const existing = revisions.get(key)
    const revision: RevisionView = { id: e.id, eventIds: [...(existing?.eventIds ?? []), e.id], series: e.body.series, version: e.body.version, author: e.author, ts: e.ts, body: e.body, reviews: [] }
    revisions.set(key, revision) // later (ts, id) wins: the most complete republication
  }
  for (const revision of revisions.values()) {
    for (const id of revision.eventIds) index.byRevisionEvent.set(id, revision)
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
  for (const e of views.byType.get('review') ?? []) {
    const revision = index.byRevisionEvent.get((e as ReviewEvent).body.target.revision)
    if (revision !== undefined) revision.reviews.push(e as ReviewEvent)
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
