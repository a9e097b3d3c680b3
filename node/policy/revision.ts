import { CairnError } from '../../protocol/errors.js'
import { findSeries } from '../views/series/index.js'
import type { SeriesView } from '../views/series/index.js'
import type { Views } from '../views/views.js'
import type { RevisionEvent } from './events.js'
import { revisionEvent } from './events.js'

interface ResolvedRevision {
  series: SeriesView
  revision: RevisionEvent
}

/**
 * The revision a person means by SERIES: a revision EventId (or a unique
 * prefix of 8+ hex characters) names that revision; anything findSeries
 * knows (series id, Message-ID, change-id, prefixes) names the series, and
 * then `version` picks one of its revisions, else the latest.
 */
export function resolveRevision (views: Views, ref: string, version?: number): ResolvedRevision {
  const series = findSeries(views, ref)
  const wanted = ref.trim().toLowerCase()
  let named: RevisionEvent | null = revisionEvent(views, wanted)
  if (named === null && /^[0-9a-f]{8,63}$/.test(wanted)) {
    const ids = series.revisions.flatMap((r) => r.eventIds).filter((id) => id.startsWith(wanted))
    if (ids.length === 1) named = revisionEvent(views, ids[0] as string)
  }
  if (named !== null) {
    if (version !== undefined && named.body.version !== version) {
      throw new CairnError('USAGE', `${ref} is revision v${named.body.version} of ${series.id}, not v${version}; give the series id with --version`)
    }
    return { series, revision: named }
  }
  const view = version === undefined ? series.latest : series.revisions.find((r) => r.version === version)
  if (view === undefined) {
    throw new CairnError('NOT_FOUND', `series ${series.id} has no v${version ?? ''}; it has ${series.revisions.map((r) => `v${r.version}`).join(', ')}`)
  }
  const event = revisionEvent(views, view.id)
  if (event === null) throw new CairnError('NOT_FOUND', `revision ${view.id} of ${series.id} is not indexed`)
  return { series, revision: event }
}
