import { pathMatcher } from '../../machines/match.js'
import { CairnError, isCairnError } from '../../protocol/errors.js'
import type { EventType } from '../../protocol/schemas.js'
import type { IndexedEvent, Views } from '../views/views.js'
import { byTsThenId } from '../views/views.js'
import { deriveOverIncrementally } from '../views/derive-over.js'
import { SERIES_STATES, SERIES_TYPES, STATE_TYPES, patchTrailers, revisionsNamed, sentAt, seriesIndex } from '../views/series/index.js'
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

function summarise (views: Views, s: SeriesView): SeriesSummary {
  const latest = s.latest
  const trailers = patchTrailers(s, latest)
  const facts = seriesFacts(views, s, trailers)
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

/** The summaries, one per series, and in the list's order. */
interface SummaryFold { bySeries: Map<string, SeriesSummary>, list: SeriesSummary[] }

const SUMMARY_TYPES: readonly EventType[] = [...SERIES_TYPES, ...STATE_TYPES]

/**
 * The series as the web UI lists them, from the series view
 * (node/views/series/: revisions, republications, replacements, reviews),
 * oldest first by (sentAt, EventId) of their latest revision (pages walk it
 * from the end). New events make again only the summaries of the series
 * they change.
 */
export function seriesSummaries (views: Views): SeriesSummary[] {
  return deriveOverIncrementally(views, SUMMARY_TYPES, 'http:series', buildSummaries, updateSummaries).list
}

function buildSummaries (views: Views): SummaryFold {
  const bySeries = new Map<string, SeriesSummary>()
  for (const s of seriesIndex(views).series.values()) bySeries.set(s.id, summarise(views, s))
  return { bySeries, list: [...bySeries.values()].sort(byTsThenId) }
}

/**
 * A summary reads its series (the index makes a new SeriesView object for
 * every change) and the state facts of that series' revisions (what a new
 * merge, decision, job or result names): only those are made again.
 */
function updateSummaries (fold: SummaryFold, added: IndexedEvent[][], views: Views): SummaryFold {
  const index = seriesIndex(views)
  const changed = new Set<string>()
  for (const id of revisionsNamed(views, added.slice(SERIES_TYPES.length))) {
    const series = index.byRevisionEvent.get(id)?.series
    if (series !== undefined) changed.add(series)
  }
  for (const [id, s] of index.series) if (fold.bySeries.get(id)?.view !== s) changed.add(id)
  for (const id of fold.bySeries.keys()) if (!index.series.has(id)) changed.add(id)
  if (changed.size === 0) return fold
  const made: SeriesSummary[] = []
  for (const id of changed) {
    const s = index.series.get(id)
    if (s === undefined) {
      fold.bySeries.delete(id)
      continue
    }
    const summary = summarise(views, s)
    fold.bySeries.set(id, summary)
    made.push(summary)
  }
  // A new list (a request may still hold the last one); nearly sorted, so the sort is about linear.
  const list = [...fold.list.filter((s) => !changed.has(s.view.id)), ...made].sort(byTsThenId)
  return { bySeries: fold.bySeries, list }
}

/** The revision an EventId stands for (its republications and replaced events included), or null. */
export function revisionOfEvent (views: Views, id: string): RevisionView | null {
  return seriesIndex(views).byRevisionEvent.get(id) ?? null
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
