import { pathMatcher } from '../../machines/match.js'
import { CairnError, isCairnError } from '../../protocol/errors.js'
import type { Views } from '../views/views.js'
import { byTsThenId } from '../views/views.js'
import { SERIES_STATES, patchTrailers, sentAt } from '../views/series/index.js'
import type { RevisionView, SeriesView } from '../views/series/index.js'
import { seriesFacts, seriesListRow } from '../wire/series.js'

/**
 * What the web UI's series list shows and filters on, one per series, made
 * again only when its series or that series' state changes (a list request
 * only filters and pages them).
 */
interface SeriesSummary {
  /**
   * The list's order and its cursor, newest first as `cairn series list`:
   * sentAt of the latest revision (its mail date, never later than the
   * event that published it), then its EventId.
   */
  ts: number
  id: string
  view: SeriesView
  state: string
  /** The list the latest revision came from, lowercased ('' when none). */
  list: string
  /** Every path the latest revision touches. */
  files: string[]
  /** Trailer keys (lowercased) every present patch of the latest revision carries, own or collected. */
  onEveryPatch: Set<string>
  /** What the text filter searches, lowercased and joined by SEARCH_SEP once per views version rather than per request. */
  searchText: string
  /** The row as sent, serialised once, when first sent (most rows of a large node are never asked for). */
  json: () => string
}

/** Joins the searched fields: a needle without it cannot match across two of them. */
const SEARCH_SEP = '\u0000'

/** What a list row shows and the text filter searches: subject, project, series id, list, patch subjects. */
function searchedFields (b: RevisionView['body']): string[] {
  return [b.subject, b.project, b.series, b.source.list ?? '', ...b.patches.map((p) => p.subject)]
}

function once (make: () => string): () => string {
  let value: string | undefined
  return () => (value ??= make())
}

function summarise (views: Views, s: SeriesView, state: string): SeriesSummary {
  const latest = s.latest
  const trailers = patchTrailers(s, latest)
  const facts = seriesFacts(views, s, trailers, state)
  const files = [...new Set(latest.body.patches.flatMap((p) => p.files ?? []))]
  const perPatch = [...trailers.values()]
  const keysOf = (p: typeof perPatch[number]): Set<string> => new Set([...p.own, ...p.collected].map((t) => t.key.toLowerCase()))
  const onEveryPatch = perPatch.length === 0 ? new Set<string>() : perPatch.map(keysOf).reduce((a, b) => new Set([...a].filter((k) => b.has(k))))
  return {
    ts: sentAt(latest),
    id: latest.id,
    view: s,
    state: facts.state,
    list: (latest.body.source.list ?? '').toLowerCase(),
    files,
    onEveryPatch,
    searchText: searchedFields(latest.body).map((t) => t.toLowerCase()).join(SEARCH_SEP),
    json: once(() => JSON.stringify(seriesListRow(views, s, facts, files)))
  }
}

/** The summaries, one per series, in the list's order, and the series rows' stamp they were made at. */
interface SummaryCache { bySeries: Map<string, SeriesSummary>, list: SeriesSummary[], stamp: number, generation: number }

const caches = new WeakMap<Views, SummaryCache>()

/**
 * The series as the web UI lists them, oldest first by (sentAt, EventId) of
 * their latest revision (pages walk it from the end). Only the summaries of
 * series whose rows changed since (series/rows.ts stamps each row it
 * writes with the views' version) are made again.
 */
export function seriesSummaries (views: Views): SeriesSummary[] {
  return views.read(() => {
    const generation = views.generation
    let cache = caches.get(views)
    if (cache?.generation !== generation) cache = { bySeries: new Map(), list: [], stamp: -1, generation }
    const { rows, count } = views.series.changedSince(cache.stamp)
    if (rows.length === 0 && count === cache.bySeries.size) return cache.list
    const changed = new Set(rows.map((r) => r.id))
    const made: SeriesSummary[] = []
    for (const row of rows) {
      const s = views.series.get(row.id)
      if (s === undefined) continue
      const summary = summarise(views, s, row.state)
      cache.bySeries.set(row.id, summary)
      made.push(summary)
      cache.stamp = Math.max(cache.stamp, row.stamp)
    }
    let kept = cache.list.filter((s) => !changed.has(s.view.id))
    if (kept.length + made.length !== count) { // a series went (all its events retired into others): find which
      const present = new Set<string>()
      views.series.walk({}, (r) => present.add(r.id) !== undefined)
      kept = kept.filter((s) => present.has(s.view.id))
      for (const id of cache.bySeries.keys()) if (!present.has(id)) cache.bySeries.delete(id)
    }
    // A new list (a request may still hold the last one); nearly sorted, so the sort is about linear.
    cache.list = [...kept, ...made].sort(byTsThenId)
    caches.set(views, cache)
    return cache.list
  })
}

/** Text filter over what a list row shows: subject, project, series id, list, patch subjects. */
function matchesText (s: SeriesSummary, q: string): boolean {
  const needle = q.toLowerCase()
  if (!needle.includes(SEARCH_SEP)) return s.searchText.includes(needle) // one search per series: thousands per request
  return searchedFields(s.view.latest.body).some((t) => t.toLowerCase().includes(needle))
}

export interface ListFilter {
  q?: string
  project?: string
  /** A state, or its first part (`tested`: tested.pass and tested.fail). */
  state?: string
  /** The mailing list, any case. */
  list?: string
  /** Globs over the touched paths: any of them matches (a trailing `/`: everything below). */
  path?: string[]
  /** Trailer keys every present patch must carry, own or collected. */
  trailer?: string[]
}

const TRAILER_KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/

/** Check a filter's values before using them: a typo must say so, not quietly list nothing. */
export function checkFilter (f: ListFilter): void {
  if (f.state !== undefined && !SERIES_STATES.includes(f.state)) {
    throw new CairnError('BAD_QUERY', `state "${f.state}" is not a series state; use one of ${SERIES_STATES.join(', ')}`)
  }
  for (const key of f.trailer ?? []) {
    if (!TRAILER_KEY.test(key)) throw new CairnError('BAD_QUERY', `trailer "${key}" is not a trailer key (letters, digits and dashes, as in Reviewed-by)`)
  }
  for (const glob of f.path ?? []) {
    if (glob.trim() === '') throw new CairnError('BAD_QUERY', 'path: an empty glob; give one like fs/xfs/ or **/*.c')
    try {
      pathMatcher(glob)
    } catch (err) {
      if (!isCairnError(err, 'GLOB')) throw err
      throw new CairnError('BAD_QUERY', `path: ${err.message.replace(/^GLOB: /, '')}`)
    }
  }
}

/** The summaries a filter keeps, in the order given. */
export function filterSummaries (list: readonly SeriesSummary[], f: ListFilter): SeriesSummary[] {
  const matchers = (f.path ?? []).map(pathMatcher)
  const trailers = (f.trailer ?? []).map((k) => k.toLowerCase())
  const listName = f.list?.toLowerCase()
  return list.filter((s) =>
    (f.project === undefined || s.view.project === f.project) &&
    (f.state === undefined || s.state === f.state || s.state.split('.')[0] === f.state) &&
    (listName === undefined || s.list === listName) &&
    (matchers.length === 0 || s.files.some((p) => matchers.some((m) => m(p)))) &&
    trailers.every((k) => s.onEveryPatch.has(k)) &&
    (f.q === undefined || f.q === '' || matchesText(s, f.q)))
}
