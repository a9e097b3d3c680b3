import type { CairnEvent } from '../../protocol/event.js'
import { eventJson } from '../cli/event-json.js'
import type { IndexedEvent, Views } from '../views.js'
import { byTsThenId } from '../views.js'
import { deriveOver } from '../views/derive-over.js'
import { SERIES_TYPES, STATE_TYPES, seriesIndex, seriesState } from '../views/series.js'
import type { RevisionView, SeriesView } from '../views/series.js'

type Revision = IndexedEvent & CairnEvent<'series.revision'>

export interface SeriesSummary {
  project: string
  series: string
  /** The newest revision's event in force. */
  latest: Revision
  /** The event in force of each version, oldest version first. */
  revisions: Revision[]
  reviews: number
  /** Trailers given in reviews of the newest revision. */
  trailers: Array<{ key: string, value: string }>
  state: string
  view: SeriesView
  /** What the text filter searches, lowercased and joined by SEARCH_SEP once per views version rather than per request. */
  searchText: string
}

/** Joins the searched fields: a needle without it cannot match across two of them. */
const SEARCH_SEP = '\u0000'

/** What a list row shows and the text filter searches: subject, project, series id, list, patch subjects. */
function searchedFields (b: Revision['body']): string[] {
  return [b.subject, b.project, b.series, b.source.list ?? '', ...b.patches.map((p) => p.subject)]
}

function eventOf (views: Views, r: RevisionView): Revision {
  return views.events.get(r.id) as Revision
}

/**
 * The series as the web UI lists them, from the series view
 * (node/views/series.ts: revisions, republications, replacements, reviews),
 * newest first.
 */
export function seriesSummaries (views: Views): SeriesSummary[] {
  return deriveOver(views, [...SERIES_TYPES, ...STATE_TYPES], 'http:series', (v) => {
    const out: SeriesSummary[] = []
    for (const s of seriesIndex(v).series.values()) {
      const latest = eventOf(v, s.latest)
      out.push({
        project: s.project,
        series: s.id,
        latest,
        revisions: s.revisions.map((r) => eventOf(v, r)),
        reviews: s.revisions.reduce((n, r) => n + r.reviews.length, 0),
        trailers: s.latest.reviews.flatMap((r) => r.body.trailers),
        state: seriesState(v, s),
        view: s,
        searchText: searchedFields(latest.body).map((t) => t.toLowerCase()).join(SEARCH_SEP)
      })
    }
    return out.sort((a, b) => -byTsThenId(a.latest, b.latest))
  })
}

/** The revision an EventId stands for (its republications and replaced events included), or null. */
export function revisionOfEvent (views: Views, id: string): RevisionView | null {
  return seriesIndex(views).byRevisionEvent.get(id) ?? null
}

/** Text filter over what a list row shows: subject, project, series id, list, patch subjects. */
export function matchesText (s: SeriesSummary, q: string): boolean {
  const needle = q.toLowerCase()
  if (!needle.includes(SEARCH_SEP)) return s.searchText.includes(needle) // one search per series: thousands per request
  return searchedFields(s.latest.body).some((t) => t.toLowerCase().includes(needle))
}

/** A series as a row of /api/series. */
function seriesRow (s: SeriesSummary): Record<string, unknown> {
  return {
    id: s.series,
    project: s.project,
    series: s.series,
    state: s.state,
    latest: eventJson(s.latest),
    versions: s.revisions.map((r) => ({ id: r.id, version: r.body.version, ts: r.ts })),
    complete: s.latest.body.patches.every((p) => p.missing !== true),
    reviews: s.reviews,
    trailers: s.trailers
  }
}

/** Row JSON per summary: summaries are rebuilt when what they show changes, and their rows with them. */
const rowJson = new WeakMap<SeriesSummary, string>()

/** seriesRow as JSON, serialised once per summary (the list route assembles its body from these). */
export function seriesRowJson (s: SeriesSummary): string {
  let json = rowJson.get(s)
  if (json === undefined) {
    json = JSON.stringify(seriesRow(s))
    rowJson.set(s, json)
  }
  return json
}
