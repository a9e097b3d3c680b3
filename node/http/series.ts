import type { CairnEvent } from '../../protocol/event.js'
import type { IndexedEvent, Views } from '../views.js'
import { byTsThenId } from '../views.js'
import { seriesIndex, seriesState } from '../views/series.js'
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
  return views.derive('http:series', (v) => {
    const out: SeriesSummary[] = []
    for (const s of seriesIndex(v).series.values()) {
      out.push({
        project: s.project,
        series: s.id,
        latest: eventOf(v, s.latest),
        revisions: s.revisions.map((r) => eventOf(v, r)),
        reviews: s.revisions.reduce((n, r) => n + r.reviews.length, 0),
        trailers: s.latest.reviews.flatMap((r) => r.body.trailers),
        state: seriesState(v, s),
        view: s
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
  const b = s.latest.body
  return [b.subject, b.project, b.series, b.source.list ?? '', ...b.patches.map((p) => p.subject)].some((t) => t.toLowerCase().includes(needle))
}
