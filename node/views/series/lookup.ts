/** Finding a series, or one of its revisions, from whatever reference a user gives. */
import { CairnError } from '../../../protocol/errors.js'
import type { Views } from '../views.js'
import { seriesIndex } from './fold.js'
import type { RevisionView, SeriesView } from './model.js'

/**
 * Find a series by its id, a Message-ID of any of its mails (with or without
 * <>), its change-id, a revision EventId, or a unique prefix of a series id
 * or revision EventId. NOT_FOUND and AMBIGUOUS errors say what was tried.
 */
export function findSeries (views: Views, ref: string): SeriesView {
  const index = seriesIndex(views)
  const wanted = ref.trim().replace(/^<(.*)>$/, '$1')
  const exact = index.series.get(wanted) ??
    index.series.get(index.byMessageId.get(wanted) ?? '') ??
    index.series.get(index.byChangeId.get(wanted) ?? '') ??
    index.series.get(index.byRevisionEvent.get(wanted)?.series ?? '')
  if (exact !== undefined) return exact
  if (wanted.length < 4) throw new CairnError('NOT_FOUND', `no series "${ref}"; give at least 4 characters of an id`)
  const matches = new Set<string>()
  for (const id of index.series.keys()) if (id.startsWith(wanted)) matches.add(id)
  for (const [eventId, r] of index.byRevisionEvent) if (eventId.startsWith(wanted)) matches.add(r.series)
  if (matches.size === 1) return index.series.get([...matches][0] as string) as SeriesView
  // Sorted: the index's maps are in the order events arrived in, which differs between nodes.
  if (matches.size > 1) throw new CairnError('AMBIGUOUS', `"${ref}" matches ${matches.size} series: ${[...matches].sort().slice(0, 5).join(', ')}${matches.size > 5 ? ', ...' : ''}`)
  throw new CairnError('NOT_FOUND', `no series matches "${ref}" (tried series id, Message-ID, change-id, revision EventId and id prefixes)`)
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
