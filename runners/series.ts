import type { IndexedEvent, Views } from '../node/views/views.js'
import { byTsThenId } from '../node/views/views.js'
import { CairnError } from '../protocol/errors.js'

type RevisionEvent = IndexedEvent & { type: 'series.revision' }

/**
 * The series revision a user means by `ref`: its EventId, a unique hex
 * prefix of one (8+ characters), or a series id (the newest version of it).
 */
export function findRevision (views: Views, ref: string): RevisionEvent {
  const all = (views.ofType('series.revision')) as RevisionEvent[]
  const exact = all.find((e) => e.id === ref)
  if (exact !== undefined) return exact
  if (/^[0-9a-f]{8,63}$/.test(ref)) {
    const matches = all.filter((e) => e.id.startsWith(ref))
    if (matches.length > 1) throw new CairnError('SERIES_AMBIGUOUS', `"${ref}" is the start of ${matches.length} series revisions; give more of the id`)
    if (matches[0] !== undefined) return matches[0]
  }
  const versions = all.filter((e) => e.body.series === ref).sort((a, b) => a.body.version - b.body.version || byTsThenId(a, b))
  const newest = versions[versions.length - 1]
  if (newest !== undefined) return newest
  throw new CairnError('SERIES_UNKNOWN', `no series revision "${ref}" here (an EventId, a unique prefix, or a series id); follow and sync the feed that published it`)
}
