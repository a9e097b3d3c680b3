/** Lists of series: filtered by state, paths, trailers and project, newest first. */
import { pathMatcher } from '../../../machines/match.js'
import type { Views } from '../views.js'
import { byTsThenId } from '../views.js'
import { seriesIndex } from './fold.js'
import type { RevisionView, SeriesView } from './model.js'
import { seriesState } from './state.js'
import { carriesTrailer } from './trailers.js'

export interface SeriesFilter {
  /** A state name, or its first part ('tested' matches tested.pass and tested.fail). */
  state?: string
  /** Globs over the paths the latest revision's patches touch. */
  paths?: string[]
  /** Trailer keys every present patch of the latest revision must carry (own or collected). */
  trailers?: string[]
  project?: string
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
