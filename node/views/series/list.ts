/** Lists of series: filtered by state, paths, trailers and project, newest first. */
import { pathMatcher } from '../../../machines/match.js'
import type { Views } from '../views.js'
import type { SeriesView } from './model.js'
import { carriesTrailer } from './trailers.js'

export interface SeriesFilter {
  /** A state name, or its first part ('tested' matches tested.pass and tested.fail). */
  state?: string
  /** Globs over the paths the latest revision's patches touch. */
  paths?: string[]
  /** Trailer keys every present patch of the latest revision must carry (own or collected). */
  trailers?: string[]
  project?: string
  /** A full-text search over subjects, senders, cover letters and commit messages (series/text.ts: the syntax). */
  search?: string
}

/**
 * Series matching the filter, newest first (by sentAt of the latest
 * revision, then its (ts, id)); `limit`: the first so many. State and
 * project select rows; paths and trailers are checked per series built, so
 * a list reads the series it shows (and those a filter skips), not all.
 */
export function listSeries (views: Views, filter: SeriesFilter = {}, limit = Infinity): SeriesView[] {
  const matchers = (filter.paths ?? []).map(pathMatcher)
  const out: SeriesView[] = []
  if (limit <= 0) return out
  views.read(() => views.series.walk({ ...(filter.state === undefined ? {} : { state: filter.state }), ...(filter.project === undefined ? {} : { project: filter.project }), ...(filter.search === undefined ? {} : { search: filter.search }) }, (row) => {
    const s = views.series.get(row.id)
    if (s === undefined) return true
    if (matchers.length > 0) {
      const files = s.latest.body.patches.flatMap((p) => p.files ?? [])
      if (!files.some((f) => matchers.some((m) => m(f)))) return true
    }
    if ((filter.trailers ?? []).some((key) => !carriesTrailer(s, s.latest, key))) return true
    out.push(s)
    return out.length < limit
  }))
  return out
}
