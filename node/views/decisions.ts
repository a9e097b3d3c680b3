/**
 * Published merge decisions (`decision` events) per revision. A decision is
 * a claim by its author, checked by replaying it (`cairn policy verify`);
 * this view only groups them, whoever published them.
 */
import { CairnError } from '../../protocol/errors.js'
import type { Views } from './views.js'
import type { DecisionEvent } from './series/model.js'

export type { DecisionEvent } from './series/model.js'

/** Every decision on a revision, oldest first; only those of `author` when given. */
export function decisionsFor (views: Views, revision: string, author?: string): DecisionEvent[] {
  const list = views.keyed('decision.revision', revision) as DecisionEvent[]
  return author === undefined ? list : list.filter((e) => e.author === author)
}

/** The newest decision `author` published on a revision (by author time, then EventId), or null. */
export function latestDecision (views: Views, revision: string, author: string): DecisionEvent | null {
  const mine = decisionsFor(views, revision, author)
  return mine[mine.length - 1] ?? null
}

/** A decision by its EventId or a unique prefix of it (8+ hex characters). */
export function findDecision (views: Views, ref: string): DecisionEvent {
  const wanted = ref.trim().toLowerCase()
  const exact = views.event(wanted)
  if (exact !== undefined) {
    if (exact.type !== 'decision') throw new CairnError('NOT_A_DECISION', `${wanted} is a ${exact.type} event, not a decision`)
    return exact as DecisionEvent
  }
  if (/^[0-9a-f]{8,63}$/.test(wanted)) {
    const matches = ((views.ofType('decision')) as DecisionEvent[]).filter((e) => e.id.startsWith(wanted))
    if (matches.length > 1) throw new CairnError('AMBIGUOUS', `"${ref}" is the start of ${matches.length} decision ids; give more of it`)
    if (matches[0] !== undefined) return matches[0]
  }
  throw new CairnError('NOT_FOUND', `no decision "${ref}" here (an EventId or a unique prefix of 8+ characters); sync with the node that published it`)
}
