/** Finding a series, or one of its revisions, from whatever reference a user gives. */
import type { Views } from '../views.js'
import type { RevisionView, SeriesView } from './model.js'

/**
 * Find a series by its id, a Message-ID of any of its mails (with or without
 * <>), its change-id, a revision EventId, or a unique prefix of a series id
 * or revision EventId (series/store.ts). NOT_FOUND and AMBIGUOUS errors say what was tried.
 */
export function findSeries (views: Views, ref: string): SeriesView {
  return views.read(() => views.series.find(ref))
}

/**
 * The revision `ref` names: a revision EventId (or unique prefix of one)
 * names that revision; anything else findSeries knows names its latest.
 */
export function findRevisionView (views: Views, ref: string): { series: SeriesView, revision: RevisionView } {
  const series = findSeries(views, ref)
  const wanted = ref.trim().toLowerCase()
  if (/^[0-9a-f]{8,64}$/.test(wanted)) {
    const named = series.revisions.filter((r) => r.eventIds.some((id) => id.startsWith(wanted)))
    if (named.length === 1) return { series, revision: named[0] as RevisionView }
  }
  return { series, revision: series.latest }
}

/** The revision a series.revision EventId stands in (its republications and replaced events included), or null. */
export function revisionOfEvent (views: Views, id: string): RevisionView | null {
  return views.read(() => views.series.revisionOfEvent(id)) ?? null
}
