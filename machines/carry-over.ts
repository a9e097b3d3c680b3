/**
 * Which other revisions' reviews count for a revision: the events that stand
 * for it (republications, replaced events) and the earlier versions whose
 * reviews carry over under the policy's reset rules (by patch-id).
 */
import type { AnyEvent, CairnEvent } from '../protocol/event.js'
import { compareEvents, short } from './order.js'
import type { Policy } from './policy-file.js'
import type { Trust } from './trust.js'

type Revision = CairnEvent<'series.revision'>

/** Another revision of the same series that may move it on. */
export function sameSeriesAs (rev: Revision, trust: Trust): (e: AnyEvent) => e is Revision {
  return (e: AnyEvent): e is Revision =>
    e.type === 'series.revision' && e.id !== rev.id && e.body.project === rev.body.project && e.body.series === rev.body.series &&
    // Anyone may publish a "v9" of someone's series: only its author or a trusted identity can move it on.
    (e.author === rev.author || (trust.get(e.author)?.size ?? 0) > 0)
}

export interface StandsFor {
  /** EventIds whose reviews are this revision's own. */
  ids: Set<string>
  /** The revision's `replaces` list. */
  replaced: Set<string>
}

/**
 * Events that stand for this very revision: its author's earlier publications of
 * the same series and version (a bridge republishes when late patches arrive) and
 * those it `replaces` (mails regrouped under another series id). Their reviews are its own.
 */
export function standsFor (rev: Revision, events: readonly AnyEvent[]): StandsFor {
  const replaced = new Set(rev.body.replaces ?? [])
  const ids = new Set<string>()
  for (const e of events) {
    if (e.type !== 'series.revision' || e.id === rev.id || e.author !== rev.author) continue
    const republished = e.body.project === rev.body.project && e.body.series === rev.body.series && e.body.version === rev.body.version && compareEvents(e, rev) < 0
    if (republished || replaced.has(e.id)) ids.add(e.id)
  }
  return { ids, replaced }
}

interface CarryOver {
  /** Earlier revisions whose reviews carry over: id -> version. */
  carried: Map<string, number>
  /** The note to give for each carried revision, if its reviews end up counting. */
  carryNotes: Map<string, string>
  /** Earlier revisions considered and refused, with why (their ids are inputs of the decision). */
  refused: Array<{ id: string, note: string }>
}

export function carryOver (rev: Revision, siblings: readonly Revision[], policy: Policy, patchIds: ReadonlyMap<string, readonly string[]>): CarryOver {
  const out: CarryOver = { carried: new Map(), carryNotes: new Map(), refused: [] }
  if (!policy.reset.onNewRevision) {
    for (const o of siblings) if (o.body.version < rev.body.version) {
      out.carried.set(o.id, o.body.version)
      out.carryNotes.set(o.id, `reviews of v${o.body.version} (${short(o.id)}) carried over: the policy keeps reviews across revisions`)
    }
  } else if (policy.reset.keepIfPatchesUnchanged) {
    const mine = patchIds.get(rev.id)
    for (const o of siblings) {
      if (o.body.version >= rev.body.version) continue
      const theirs = patchIds.get(o.id)
      const tag = `v${o.body.version} (${short(o.id)})`
      if (mine === undefined || theirs === undefined) {
        out.refused.push({ id: o.id, note: `reviews of ${tag} not carried over: patch-ids unknown` })
      } else if (samePatches(mine, theirs)) {
        out.carried.set(o.id, o.body.version)
        out.carryNotes.set(o.id, `reviews of ${tag} carried over: patches unchanged`)
      } else {
        out.refused.push({ id: o.id, note: `reviews of ${tag} not carried over: patches changed` })
      }
    }
  }
  return out
}

function samePatches (a: readonly string[], b: readonly string[]): boolean {
  return a.length > 0 && a.length === b.length && a.every((x, i) => x === b[i])
}
