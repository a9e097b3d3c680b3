import { emailMatches } from './trailers.js'
import { LOCAL_ID_SUFFIX, SITTING_MS, type MailNode } from './mails.js'

interface DraftPatch { node: MailNode, carriedFrom?: number }
interface DraftCover { node: MailNode, naked: boolean, inheritedFrom?: number }

/** A revision before linking: its anchor, version, cover and patches by index. */
export interface Draft {
  anchor: string
  version: number
  /** Smallest canonical position among its own mails: the draft's place in every ordering. */
  seq: number
  cover?: DraftCover
  patches: Map<number, DraftPatch>
  partialReroll: boolean
}

export interface Placement { draft: Draft, index: number } // index 0: the cover

/**
 * Patch count: what the patches say (b4 takes the patches' `/n` too, so a
 * `0/15` cover over patches `n/16` is a complete 16-patch posting), else the
 * cover's count when no patch is here.
 */
export function expectedOf (d: Draft): number {
  let n = 0
  for (const [index, p] of d.patches) n = Math.max(n, index, p.node.subject.hasCounter ? p.node.subject.expected : 1)
  return n > 0 ? n : d.cover?.node.subject.expected ?? 0
}

/** Dates of its own mails (not carried or inherited ones) that parse. */
function dates (d: Draft): number[] {
  const out: number[] = []
  if (d.cover !== undefined && d.cover.inheritedFrom === undefined) out.push(d.cover.node.mail.dateMs)
  for (const p of d.patches.values()) if (p.carriedFrom === undefined) out.push(p.node.mail.dateMs)
  return out.filter(Number.isFinite)
}

export function firstPatch (d: Draft): MailNode | undefined {
  const indexes = [...d.patches.keys()].sort((a, b) => a - b)
  return indexes.length === 0 ? undefined : d.patches.get(indexes[0] as number)?.node
}

/** Its own cover, else its first patch: the mail that speaks for the draft. */
export function leadNode (d: Draft): MailNode | undefined {
  return d.cover !== undefined && d.cover.inheritedFrom === undefined ? d.cover.node : firstPatch(d)
}

/**
 * Mails that never had a Message-ID (local `git format-patch` output, given
 * one from its bytes by the ingest): their dates are commit author dates,
 * not send times, so no sitting can be read from them.
 */
const isLocalMail = (n: MailNode): boolean => n.id.endsWith(LOCAL_ID_SUFFIX)

/**
 * Both drafts' mails went out in one sitting: their leads in one (mails.ts
 * markSittings), each one's span within `window` (at most SITTING_MS) of the other's.
 */
export function sameSitting (a: Draft, b: Draft, window = SITTING_MS): boolean {
  const la = leadNode(a)
  const lb = leadNode(b)
  if (la === undefined || lb === undefined) return false
  if (isLocalMail(la) && isLocalMail(lb)) return true
  if (la.sitting < 0 || la.sitting !== lb.sitting) return false
  const da = dates(a)
  const db = dates(b)
  if (da.length === 0 || db.length === 0) return false
  return Math.min(...da) >= Math.min(...db) - window && Math.max(...da) <= Math.max(...db) + window
}

/** Same sender (b4's fuzzy address match), as read from each draft's lead mail. */
export function sameSender (a: Draft, b: Draft): boolean {
  const la = leadNode(a)
  const lb = leadNode(b)
  return la !== undefined && lb !== undefined && emailMatches(la.sender.email, lb.sender.email)
}

/** Move `from`'s cover and patches into `into`; its anchor becomes the cover when it gains one. */
export function absorb (into: Draft, from: Draft, placed: Map<string, Placement>): void {
  for (const [index, p] of from.patches) {
    into.patches.set(index, p)
    if (p.carriedFrom === undefined) placed.set(p.node.id, { draft: into, index })
  }
  if (from.cover !== undefined && into.cover === undefined) {
    into.cover = from.cover
    into.anchor = from.cover.node.id
    if (from.cover.inheritedFrom === undefined) placed.set(from.cover.node.id, { draft: into, index: 0 })
  }
  into.seq = Math.min(into.seq, from.seq)
}

export function disjoint (a: Draft, b: Draft): boolean {
  if (a.cover !== undefined && b.cover !== undefined) return false
  for (const index of a.patches.keys()) if (b.patches.has(index)) return false
  return true
}
