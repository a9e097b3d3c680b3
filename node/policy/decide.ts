import { decide } from '../../machines/decide.js'
import type { Decision } from '../../machines/decide.js'
import type { DecideContext } from '../../machines/facts.js'
import type { Policy } from '../../machines/policy-file.js'
import type { Identities, Trust } from '../../machines/trust.js'
import { CairnError } from '../../protocol/errors.js'
import type { Views } from '../views/views.js'
import type { DiffCache, DiffInfo } from './diffs.js'
import type { RevisionEvent } from './events.js'
import { eventsFor, seriesRevisions } from './events.js'

type Who = { trust: Trust, identities: Identities }

/**
 * The revisions whose diff facts a decision on `revision` reads: its own
 * (the paths it touches) and those of its series' earlier versions (their
 * patch-ids, for carrying reviews over).
 */
export function contextRevisions (views: Views, revision: RevisionEvent): RevisionEvent[] {
  return seriesRevisions(views, revision).filter((r) => r.id === revision.id || r.body.version < revision.body.version)
}

/** Read the diff facts of contextRevisions; the first blob not here throws (BLOB_MISSING, NOT_FOLLOWED). */
async function readContextDiffs (views: Views, diffs: DiffCache, revision: RevisionEvent): Promise<Map<string, DiffInfo>> {
  const known = new Map<string, DiffInfo>()
  for (const r of contextRevisions(views, revision)) known.set(r.id, await diffs.get(r))
  return known
}

/**
 * The context decide needs beside events and policy, for one revision, from
 * diff facts already read (`known` holds every contextRevisions entry): the
 * trust and identities given (the node's own, or a decision author's when
 * verifying), the paths the revision touches and the patch-ids of it and
 * of the other revisions of its series.
 */
function contextFrom (views: Views, revision: RevisionEvent, known: ReadonlyMap<string, DiffInfo>, who: Who): DecideContext {
  const touched = new Map<string, readonly string[]>()
  const patchIds = new Map<string, readonly string[]>()
  for (const r of contextRevisions(views, revision)) {
    const info = known.get(r.id)
    if (info === undefined) throw new CairnError('DECIDE', `the diffs of revision ${r.id.slice(0, 8)} were not read before deciding on ${revision.id.slice(0, 8)}`)
    if (r.id === revision.id) touched.set(r.id, info.touched)
    if (info.patchIds !== null) patchIds.set(r.id, info.patchIds)
  }
  return { trust: who.trust, identities: who.identities, touched, patchIds }
}

export async function decideContext (views: Views, diffs: DiffCache, revision: RevisionEvent, who: Who): Promise<DecideContext> {
  return contextFrom(views, revision, await readContextDiffs(views, diffs, revision), who)
}

/** This node's decision on a revision under `policy`, from diff facts already read: its own trust, the events it holds. */
export function decideKnown (views: Views, policy: Policy, revision: RevisionEvent, known: ReadonlyMap<string, DiffInfo>): Decision {
  const ctx = contextFrom(views, revision, known, { trust: views.trust, identities: views.identities })
  return decide({ ...ctx, revision: revision.id, events: eventsFor(views, revision) }, policy)
}

/** This node's decision on a revision under `policy`: its own trust, the events it holds. */
export async function decideRevision (views: Views, diffs: DiffCache, policy: Policy, revision: RevisionEvent): Promise<Decision> {
  return decideKnown(views, policy, revision, await readContextDiffs(views, diffs, revision))
}
