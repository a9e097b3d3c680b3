import { pathMatcher } from '../../machines/match.js'
import { CairnError, isCairnError } from '../../protocol/errors.js'
import type { Views } from '../views/views.js'
import { byTsThenId } from '../views/views.js'
import { SERIES_STATES, patchTrailers, sentAt } from '../views/series/index.js'
import type { RevisionView, SeriesView } from '../views/series/index.js'
import { seriesFacts, seriesListRow } from '../wire/series.js'
import { Lru } from './lru.js'
import { decodeCursor, encodeCursor } from './page.js'

/**
 * What the web UI's series list filters on, one per series, made again
 * only when its series row changes (series/rows.ts stamps it); the row as
 * sent is made apart, for the series a page shows.
 */
interface SeriesSummary {
  /**
   * The list's order and its cursor, newest first as `cairn series list`:
   * sentAt of the latest revision (its mail date, never later than the
   * event that published it), then its EventId.
   */
  ts: number
  id: string
  /** The series' id. */
  series: string
  state: string
  /** The list the latest revision came from, lowercased ('' when none). */
  list: string
  /** Every path the latest revision touches. */
  files: string[]
  /** Trailer keys (lowercased) every present patch of the latest revision carries, own or collected. */
  onEveryPatch: Set<string>
  /** What the text filter searches, lowercased and joined by SEARCH_SEP once per series row rather than per request. */
  searchText: string
  /** The series row's stamp it was made at. */
  stamp: number
}

/** Joins the searched fields: a needle without it cannot match across two of them. */
const SEARCH_SEP = '\u0000'

/** What a list row shows and the text filter searches: subject, project, series id, list, patch subjects. */
function searchedFields (b: RevisionView['body']): string[] {
  return [b.subject, b.project, b.series, b.source.list ?? '', ...b.patches.map((p) => p.subject)]
}

const filesOf = (s: SeriesView): string[] => [...new Set(s.latest.body.patches.flatMap((p) => p.files ?? []))]

function summarise (s: SeriesView, row: { state: string, stamp: number }): SeriesSummary {
  const latest = s.latest
  const trailers = patchTrailers(s, latest)
  const perPatch = [...trailers.values()]
  const keysOf = (p: typeof perPatch[number]): Set<string> => new Set([...p.own, ...p.collected].map((t) => t.key.toLowerCase()))
  const onEveryPatch = perPatch.length === 0 ? new Set<string>() : perPatch.map(keysOf).reduce((a, b) => new Set([...a].filter((k) => b.has(k))))
  return {
    ts: sentAt(latest),
    id: latest.id,
    series: s.id,
    state: row.state,
    list: (latest.body.source.list ?? '').toLowerCase(),
    files: filesOf(s),
    onEveryPatch,
    searchText: searchedFields(latest.body).map((t) => t.toLowerCase()).join(SEARCH_SEP),
    stamp: row.stamp
  }
}

/**
 * Summaries kept between requests, at most this many (a few kB each),
 * the least recently used dropped first: memory is bounded however many
 * series there are. Past it, a list with a filter the rows cannot apply
 * makes the summaries it dropped again per request.
 */
const SUMMARY_CAP = 8192
/** Rows as sent (a few kB each), kept for the series pages show most. */
const JSON_CAP = 1024

interface SummaryCache { summaries: Lru<string, SeriesSummary>, json: Lru<string, { stamp: number, json: string }>, generation: number }

const caches = new WeakMap<Views, SummaryCache>()

/** How many summaries and rows the views' cache holds (tests: it stays under its caps). */
export function cachedSummaries (views: Views): { summaries: number, rows: number } {
  const cache = caches.get(views)
  return { summaries: cache?.summaries.size ?? 0, rows: cache?.json.size ?? 0 }
}

function cacheOf (views: Views, cap: number): SummaryCache {
  const generation = views.generation
  let cache = caches.get(views)
  if (cache?.generation !== generation || cache.summaries.cap !== cap) {
    cache = { summaries: new Lru(cap), json: new Lru(Math.min(cap, JSON_CAP)), generation }
    caches.set(views, cache)
  }
  return cache
}

/** The summary of a series row: kept if its row has not changed since, else made (undefined: the series is gone). */
function summaryOf (views: Views, cache: SummaryCache, row: { id: string, state: string, stamp: number }): SeriesSummary | undefined {
  const kept = cache.summaries.get(row.id)
  if (kept?.stamp === row.stamp) return kept
  const s = views.series.get(row.id)
  if (s === undefined) return undefined
  const summary = summarise(s, row)
  cache.summaries.set(row.id, summary)
  return summary
}

/** The row as sent, made from the series again unless kept since its row last changed. */
function jsonOf (views: Views, cache: SummaryCache, summary: SeriesSummary): string {
  const kept = cache.json.get(summary.series)
  if (kept?.stamp === summary.stamp) return kept.json
  const s = views.series.get(summary.series)
  if (s === undefined) return 'null'
  const json = JSON.stringify(seriesListRow(views, s, seriesFacts(views, s, patchTrailers(s, s.latest), summary.state), filesOf(s)))
  cache.json.set(summary.series, { stamp: summary.stamp, json })
  return json
}

/** Text filter over what a list row shows: subject, project, series id, list, patch subjects. */
function matchesText (views: Views, s: SeriesSummary, q: string): boolean {
  const needle = q.toLowerCase()
  if (!needle.includes(SEARCH_SEP)) return s.searchText.includes(needle) // one search per series: thousands per request
  const latest = views.series.get(s.series)?.latest
  return latest !== undefined && searchedFields(latest.body).some((t) => t.toLowerCase().includes(needle))
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

/** Whether a summary passes the filters the rows cannot apply (list, paths, trailers, text). */
function summaryMatcher (views: Views, f: ListFilter): ((s: SeriesSummary) => boolean) | null {
  const matchers = (f.path ?? []).map(pathMatcher)
  const trailers = (f.trailer ?? []).map((k) => k.toLowerCase())
  const listName = f.list?.toLowerCase()
  const q = f.q === '' ? undefined : f.q
  if (matchers.length === 0 && trailers.length === 0 && listName === undefined && q === undefined) return null
  return (s) =>
    (listName === undefined || s.list === listName) &&
    (matchers.length === 0 || s.files.some((p) => matchers.some((m) => m(p)))) &&
    trailers.every((k) => s.onEveryPatch.has(k)) &&
    (q === undefined || matchesText(views, s, q))
}

/** Rows per read while a filtered list walks the series. */
const WALK = 256

interface SeriesPage { total: number, items: SeriesSummary[], next: string | null, json: string[] }

/**
 * One page of the web UI's series list, newest first: state, project and
 * full-text search select rows (series/store.ts); the other filters are
 * checked on each row's summary, so a filtered list walks every row it
 * selects to count them, holding a page of rows and the capped cache.
 */
export function seriesPage (views: Views, f: ListFilter & { search?: string }, at: { limit: number, cursor?: string, cap?: number }): SeriesPage {
  return views.read(() => {
    const cache = cacheOf(views, at.cap ?? SUMMARY_CAP)
    const rows = { ...(f.state === undefined ? {} : { state: f.state }), ...(f.project === undefined ? {} : { project: f.project }), ...(f.search === undefined || f.search.trim() === '' ? {} : { search: f.search }) }
    const cursor = at.cursor === undefined ? null : decodeCursor(at.cursor)
    const before = cursor === null ? null : { sent: cursor.ts, latestId: cursor.id }
    const keep = summaryMatcher(views, f)
    if (keep === null) {
      const page = views.series.listRows(rows, before, at.limit + 1)
      const items = page.slice(0, at.limit).flatMap((r) => summaryOf(views, cache, r) ?? [])
      return { total: views.series.count(rows), items, next: page.length > at.limit ? nextCursor(items) : null, json: items.map((s) => jsonOf(views, cache, s)) }
    }
    // The filter needs every selected row's summary: count them all, keep the page after the cursor.
    let total = 0
    const items: SeriesSummary[] = []
    let more = false
    for (let page = views.series.listRows(rows, null, WALK); page.length > 0;) {
      for (const row of page) {
        const s = summaryOf(views, cache, row)
        if (s === undefined || !keep(s)) continue
        total++
        if (before !== null && byTsThenId(s, { ts: before.sent, id: before.latestId }) >= 0) continue
        if (items.length < at.limit) items.push(s)
        else more = true
      }
      const last = page[page.length - 1]
      page = page.length < WALK || last === undefined ? [] : views.series.listRows(rows, last, WALK)
    }
    return { total, items, next: more ? nextCursor(items) : null, json: items.map((s) => jsonOf(views, cache, s)) }
  })
}

function nextCursor (items: readonly SeriesSummary[]): string | null {
  const last = items[items.length - 1]
  return last === undefined ? null : encodeCursor(last)
}
