/**
 * A series as a list row. The CLI's row (`series list --json`) and the
 * API's (`/api/series`) share their facts (state, the latest revision's
 * completeness, reviews, the trailers collected once each); each keeps the
 * keys and order its readers have always had (types.ts says how they differ).
 */
import { newestDecision, patchTrailers, presentPatches, seriesState, trailerKey } from '../views/series/index.js'
import type { PatchTrailers, RevisionView, SeriesView } from '../views/series/index.js'
import type { Views } from '../views/views.js'
import type { SeriesListRowJson, SeriesRowJson, TrailerJson } from './types.js'

/** What both rows say about a series beyond its own fields, worked out once. */
interface SeriesFacts {
  state: string
  /** Patches present (cover letter not counted) and whether none is missing, of the latest revision. */
  present: number
  complete: boolean
  /** Replies to every revision. */
  reviews: number
  /** Trailers reviews gave the latest revision's patches, each key and value (any case) once, first seen first. */
  trailers: TrailerJson[]
}

/** `trailers`: the latest revision's per patch, when the caller has them already. */
export function seriesFacts (views: Views, s: SeriesView, trailers: Map<number, PatchTrailers> = patchTrailers(s, s.latest), state = seriesState(views, s)): SeriesFacts {
  const b = s.latest.body
  return {
    state,
    present: presentPatches(b),
    complete: b.patches.every((p) => p.missing !== true),
    reviews: s.revisions.reduce((n, r) => n + r.reviews.length, 0),
    trailers: distinct([...trailers.values()].flatMap((p) => p.collected.map((t) => ({ key: t.key, value: t.value }))))
  }
}

function distinct (list: TrailerJson[]): TrailerJson[] {
  const seen = new Set<string>()
  return list.filter((t) => {
    const k = trailerKey(t)
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

export const isoDate = (ms: number | undefined): string | null => ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString()

/** One row of `series list --json` (README documents the shape). */
export function seriesRow (views: Views, s: SeriesView, facts = seriesFacts(views, s)): SeriesRowJson {
  const b = s.latest.body
  return {
    id: s.id,
    project: s.project,
    subject: s.subject,
    changeId: s.changeId ?? null,
    state: facts.state,
    author: b.author ?? null,
    date: isoDate(b.date),
    list: b.source.list ?? null,
    versions: s.revisions.map((r) => ({ version: r.version, id: r.id })),
    latest: {
      version: s.latest.version,
      id: s.latest.id,
      total: b.total,
      present: facts.present,
      missing: b.patches.filter((p) => p.missing === true).map((p) => p.index),
      complete: facts.complete
    },
    reviews: facts.reviews,
    trailers: facts.trailers
  }
}

/** A row of /api/series names this many of the touched paths (and how many there are). */
const ROW_PATHS = 3

/**
 * A series as a row of /api/series: what the web UI's list shows, without
 * the revision's body (patch messages make a full row ~5 KB).
 */
export function seriesListRow (views: Views, s: SeriesView, facts: SeriesFacts, files: string[]): SeriesListRowJson {
  const r: RevisionView = s.latest
  const b = r.body
  const decision = newestDecision(views, r)
  const byKey = new Map<string, number>()
  for (const t of facts.trailers) byKey.set(t.key, (byKey.get(t.key) ?? 0) + 1)
  return {
    id: s.id,
    project: s.project,
    subject: s.subject,
    state: facts.state,
    verdict: decision?.body.verdict ?? null,
    reasons: decision?.body.reasons ?? [],
    author: b.author ?? null,
    poster: r.author,
    list: b.source.list ?? null,
    date: b.date ?? null,
    ts: r.ts,
    latest: { id: r.id, version: r.version, total: b.total, present: facts.present, complete: facts.complete },
    versions: s.revisions.map((v) => ({ id: v.id, version: v.version })),
    reviews: facts.reviews,
    trailers: Object.fromEntries(byKey),
    files: files.length,
    paths: files.slice(0, ROW_PATHS)
  }
}
