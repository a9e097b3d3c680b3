/** Trailers of a revision's patches: their own, and those collected from reviews (as b4 collects them). */
import { byTsThenId } from '../indexed.js'
import type { RevisionView, ReviewEvent, SeriesView } from './model.js'

interface PatchTrailer { key: string, value: string, review: string, author: string }

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

/** b4 compares trailers by key and value, case-insensitively. */
export const trailerKey = (t: { key: string, value: string }): string => `${t.key.toLowerCase()}: ${t.value.toLowerCase()}`

export interface PatchTrailers {
  /** Already in the commit message. */
  own: Array<{ key: string, value: string }>
  /** Given in reviews and not already in the commit message, first review first. */
  collected: PatchTrailer[]
}

/**
 * What `git am` with collected trailers would give each present patch (b4's
 * am-ready set): its own trailers, plus trailers from reviews of that patch
 * and of the whole revision. A partial reroll's carried patch also collects
 * the reviews it got in the version it comes from, and an inherited cover's
 * reviews apply as the cover's own.
 */
export function patchTrailers (series: SeriesView, revision: RevisionView): Map<number, PatchTrailers> {
  const byVersion = new Map(series.revisions.map((r) => [r.version, r]))
  const whole = (r: RevisionView | undefined): ReviewEvent[] => (r?.reviews ?? []).filter((e) => (e.body.target.patch ?? 0) === 0)
  const coverFrom = revision.body.cover?.inheritedFrom
  const wholeReviews = [...whole(revision), ...(coverFrom === undefined ? [] : whole(byVersion.get(coverFrom)))]
  const out = new Map<number, PatchTrailers>()
  for (const p of revision.body.patches) {
    if (p.missing === true || p.index === 0) continue
    const own = (p.trailers ?? []).map((t) => ({ key: t.key, value: t.value }))
    const seen = new Set(own.map(trailerKey))
    const source = p.carriedFrom === undefined ? undefined : byVersion.get(p.carriedFrom)
    const sourceIndex = source?.body.patches.find((q) => q.messageId !== undefined && q.messageId === p.messageId)?.index
    const reviews = [
      ...revision.reviews.filter((e) => e.body.target.patch === p.index),
      ...(source === undefined || sourceIndex === undefined ? [] : source.reviews.filter((e) => e.body.target.patch === sourceIndex)),
      ...wholeReviews
    ]
    const collected: PatchTrailer[] = []
    for (const review of reviews.sort(byTsThenId)) {
      for (const t of review.body.trailers) {
        const key = trailerKey(t)
        if (seen.has(key)) continue
        seen.add(key)
        collected.push({ key: t.key, value: t.value, review: review.id, author: review.author })
      }
    }
    out.set(p.index, { own, collected })
  }
  return out
}

/** Whether every present patch of the revision carries a trailer with this key. */
export function carriesTrailer (series: SeriesView, revision: RevisionView, key: string): boolean {
  const wanted = key.toLowerCase()
  const patches = [...patchTrailers(series, revision).values()]
  return patches.length > 0 && patches.every((p) => [...p.own, ...p.collected].some((t) => t.key.toLowerCase() === wanted))
}
