/**
 * Published merge decisions (`decision` events) per revision. A decision is
 * a claim by its author, checked by replaying it (`cairn policy verify`);
 * this view only groups them, whoever published them.
 */
import { CairnError } from '../../protocol/errors.js'
import type { CairnEvent } from '../../protocol/event.js'
import { byTsThenId } from './views.js'
import type { IndexedEvent, Views } from './views.js'
import { deriveOver } from './derive-over.js'

export type DecisionEvent = IndexedEvent & CairnEvent<'decision'>

/** revision EventId -> its decisions, oldest first by (ts, id). */
function byRevision (views: Views): Map<string, DecisionEvent[]> {
  return deriveOver(views, ['decision'], 'decisions/by-revision', (v) => {
    const out = new Map<string, DecisionEvent[]>()
    for (const e of (v.ofType('decision')) as DecisionEvent[]) {
      const list = out.get(e.body.revision)
      if (list === undefined) out.set(e.body.revision, [e])
      else list.push(e)
    }
    for (const list of out.values()) list.sort(byTsThenId)
    return out
  })
}

/** Every decision on a revision, oldest first; only those of `author` when given. */
export function decisionsFor (views: Views, revision: string, author?: string): DecisionEvent[] {
  const list = byRevision(views).get(revision) ?? []
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
