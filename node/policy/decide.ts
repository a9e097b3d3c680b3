import { decide } from '../../machines/decide.js'
import type { Decision } from '../../machines/decide.js'
import type { DecideContext } from '../../machines/facts.js'
import type { Policy } from '../../machines/policy-file.js'
import type { Identities, Trust } from '../../machines/trust.js'
import type { Views } from '../views/views.js'
import type { DiffCache } from './diffs.js'
import type { RevisionEvent } from './events.js'
import { eventsFor, seriesRevisions } from './events.js'

/**
 * The context decide needs beside events and policy, for one revision: the
 * trust and identities given (the node's own, or a decision author's when
 * verifying), the paths the revision touches and the patch-ids of it and
 * of the other revisions of its series (for carrying reviews over).
 */
export async function decideContext (views: Views, diffs: DiffCache, revision: RevisionEvent, who: { trust: Trust, identities: Identities }): Promise<DecideContext> {
  const touched = new Map<string, readonly string[]>()
  const patchIds = new Map<string, readonly string[]>()
  for (const r of seriesRevisions(views, revision)) {
    // Only the revision's own paths matter; the others are read for their patch-ids.
    if (r.id !== revision.id && r.body.version >= revision.body.version) continue
    const info = await diffs.get(r)
    if (r.id === revision.id) touched.set(r.id, info.touched)
    if (info.patchIds !== null) patchIds.set(r.id, info.patchIds)
  }
  return { trust: who.trust, identities: who.identities, touched, patchIds }
}

/** This node's decision on a revision under `policy`: its own trust, the events it holds. */
export async function decideRevision (views: Views, diffs: DiffCache, policy: Policy, revision: RevisionEvent): Promise<Decision> {
  const ctx = await decideContext(views, diffs, revision, { trust: views.trust, identities: views.identities })
  return decide({ ...ctx, revision: revision.id, events: eventsFor(views, revision) }, policy)
}
