import type { CairnEvent } from '../../protocol/event.js'
import type { IndexedEvent, Views } from '../views.js'
import { byTsThenId } from '../views.js'

type Revision = IndexedEvent & CairnEvent<'series.revision'>

export interface SeriesSummary {
  project: string
  series: string
  /** The newest revision (highest version, then (ts, id)). */
  latest: Revision
  revisions: Revision[]
  reviews: number
  trailers: Array<{ key: string, value: string }>
}

/**
 * A basic series index over `series.revision` events: revisions grouped by
 * (project, series id), reviews counted per series. The email bridge's
 * series view (linking, interdiff) replaces this when it lands; the HTTP
 * shape stays.
 */
export function seriesIndex (views: Views): SeriesSummary[] {
  return views.derive('http:series', (v) => {
    const groups = new Map<string, Revision[]>()
    for (const e of v.byType.get('series.revision') ?? []) {
      const r = e as Revision
      const key = JSON.stringify([r.body.project, r.body.series])
      const list = groups.get(key)
      if (list === undefined) groups.set(key, [r])
      else list.push(r)
    }
    const reviews = reviewsByRevision(v)
    const out: SeriesSummary[] = []
    for (const list of groups.values()) {
      list.sort((a, b) => a.body.version - b.body.version || byTsThenId(a, b))
      const latest = list[list.length - 1] as Revision
      const all = list.flatMap((r) => reviews.get(r.id) ?? [])
      out.push({
        project: latest.body.project,
        series: latest.body.series,
        latest,
        revisions: list,
        reviews: all.length,
        trailers: (reviews.get(latest.id) ?? []).flatMap((r) => r.body.trailers)
      })
    }
    return out.sort((a, b) => -byTsThenId(a.latest, b.latest))
  })
}

export function reviewsByRevision (views: Views): Map<string, Array<IndexedEvent & CairnEvent<'review'>>> {
  return views.derive('http:reviews-by-revision', (v) => {
    const out = new Map<string, Array<IndexedEvent & CairnEvent<'review'>>>()
    for (const e of v.query({ type: 'review' })) {
      const r = e as IndexedEvent & CairnEvent<'review'>
      const list = out.get(r.body.target.revision)
      if (list === undefined) out.set(r.body.target.revision, [r])
      else list.push(r)
    }
    return out
  })
}

/** Text filter over what a list row shows: subject, project, series id, list, patch subjects. */
export function matchesText (s: SeriesSummary, q: string): boolean {
  const needle = q.toLowerCase()
  const b = s.latest.body
  return [b.subject, b.project, b.series, b.source.list ?? '', ...b.patches.map((p) => p.subject)].some((t) => t.toLowerCase().includes(needle))
}
