import { verifyDecision } from '../../machines/decide.js'
import type { Verification } from '../../machines/decide.js'
import type { Policy } from '../../machines/policy-file.js'
import { foldTrust } from '../../machines/trust.js'
import type { AnyEvent } from '../../protocol/event.js'
import type { DecisionEvent } from '../views/decisions.js'
import type { Views } from '../views/views.js'
import { decideContext } from './decide.js'
import type { DiffCache } from './diffs.js'
import { eventsFor, revisionEvent } from './events.js'

interface DecisionCheck extends Verification {
  /** 'now': against every event this node holds; 'as-made': against only the events the decision lists. */
  mode: 'now' | 'as-made'
}

/**
 * Replay a published decision with its author's trust (trust.set events the
 * author signed) and say whether it holds. By default every event this node
 * holds counts, so a decision a later event overturned no longer holds;
 * `asMade` gives only its listed inputs, to check it was right when made.
 */
export async function checkDecision (views: Views, diffs: DiffCache, decision: DecisionEvent, policy: Policy, opts: { asMade?: boolean } = {}): Promise<DecisionCheck> {
  const mode = opts.asMade === true ? 'as-made' : 'now'
  const revision = revisionEvent(views, decision.body.revision)
  if (revision === null) {
    return { ok: false, problems: [`the revision it decides on (${decision.body.revision.slice(0, 8)}) is not here; sync with the node that published it`], replay: null, mode }
  }
  const trust = foldTrust(views.ofType('trust.set'), decision.author)
  const ctx = await decideContext(views, diffs, revision, { trust, identities: views.identities })
  const listed = decision.body.inputs.map((id) => views.event(id)).filter((e): e is NonNullable<typeof e> => e !== undefined)
  const events: AnyEvent[] = mode === 'as-made' ? listed : [...eventsFor(views, revision), ...listed]
  const result = verifyDecision(decision.body, events, policy, ctx)
  if (!result.ok && trust.size === 0) {
    result.problems.push(`this node holds no trust.set signed by the decision's author (${decision.author.slice(0, 8)}), so nobody counts in the replay; follow and sync their feed`)
  }
  return { ...result, mode }
}
