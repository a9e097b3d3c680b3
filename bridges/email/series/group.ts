import { emailMatches, mailboxOf } from './trailers.js'
import type { Unmatched } from './types.js'
import { SITTING_MS, type MailIndex, type MailNode } from './mails.js'
import { expectedOf, firstPatch, type Draft, type Placement } from './draft.js'
import { foldPartialResends } from './resend.js'
import { adoptMismatchedCovers, adoptUnthreadedCovers, joinSiblings, mergeOrphans } from './join.js'

export { expectedOf, type Draft, type Placement }

export interface Grouping {
  drafts: Draft[]
  /** Own mails only: carried and inherited slots stay placed in their older revision. */
  placed: Map<string, Placement>
  /** A patch filed as a duplicate of a taken slot -> the Message-ID in that slot (replies to it count there). */
  aliases: Map<string, string>
  unmatched: Unmatched[]
}

const indexOf = (n: MailNode): number => n.subject.hasCounter ? Math.max(1, n.subject.counter) : 1

/**
 * A `0/15` cover over patches `n/16` (one was added or dropped after the
 * cover was written): the patch is still its own sender's, sent with it.
 */
function miscountedCover (cover: MailNode, patch: MailNode): boolean {
  return cover.role === 'cover' && emailMatches(cover.sender.email, patch.sender.email) &&
    Math.abs(cover.mail.dateMs - patch.mail.dateMs) <= SITTING_MS
}

type SiblingCover = (parent: string, patch: MailNode, version: number, explicit: boolean) => MailNode | undefined

/**
 * Covers by the message they answer, for a patch whose thread parent is a
 * cover of another count: one git send-email run that sent two series
 * (linux-hwmon: `[PATCH 0/1]` with its 1/1, then `[PATCH 0/2]` and its 1/2
 * and 2/2, every mail answering the first cover) puts each patch under the
 * cover of its own count sent last before it, by the same sender, in the
 * same version. Indexed by parent, count and mailbox, in canonical order.
 */
function siblingCovers (nodes: readonly MailNode[]): SiblingCover {
  const under = new Map<string, MailNode[]>()
  const key = (parent: string, expected: number, email: string): string => `${parent} ${expected} ${mailboxOf(email)}`
  for (const n of nodes) {
    if (n.role !== 'cover' || n.mail.inReplyTo === '') continue
    const k = key(n.mail.inReplyTo, n.subject.expected, n.sender.email)
    const list = under.get(k)
    if (list === undefined) under.set(k, [n])
    else list.push(n)
  }
  return (parent, patch, version, explicit) => {
    const list = under.get(key(parent, patch.subject.expected, patch.sender.email)) ?? []
    let hi = list.length // the first cover after the patch
    for (let lo = 0; lo < hi;) {
      const mid = (lo + hi) >> 1
      if ((list[mid] as MailNode).seq < patch.seq) lo = mid + 1
      else hi = mid
    }
    for (let i = hi - 1; i >= 0; i--) {
      const c = list[i] as MailNode
      if ((c.subject.version === version || (!explicit && c.subject.hasVersion)) && emailMatches(c.sender.email, patch.sender.email)) return c
    }
    return undefined
  }
}

/**
 * Where a patch hangs: climb In-Reply-To through covers and lower-numbered
 * patches of the same version and size (deep or shallow threading), a
 * cover of its own count answering the same cover (siblingCovers), or a
 * miscounted cover of its sender's. It ends
 * at a cover, at the first patch, or at a missing message the patches all
 * answer (a cover we lack). A patch without a version adopts the one of the
 * cover or patch above it, as b4 does.
 */
function anchorOf (start: MailNode, byId: Map<string, MailNode>, sibling: SiblingCover): { anchor: string, version: number } {
  let version = start.subject.version
  let explicit = start.subject.hasVersion
  const expected = start.subject.expected
  let cur = start
  const seen = new Set<string>([start.id])
  for (;;) {
    const pid = cur.mail.inReplyTo
    if (pid === '' || seen.has(pid)) return { anchor: cur.id, version }
    const p = byId.get(pid)
    if (p === undefined) return { anchor: expected > 1 ? pid : cur.id, version }
    const sameVersion = p.subject.version === version || (!explicit && p.subject.hasVersion)
    const own = p.role === 'cover' && p.subject.expected !== expected && sameVersion ? sibling(p.id, start, version, explicit) : undefined
    if (own !== undefined) return { anchor: own.id, version: explicit || !own.subject.hasVersion ? version : own.subject.version }
    const fits = sameVersion && (p.subject.expected === expected ? p.role === 'cover' || (p.role === 'patch' && p.subject.counter < cur.subject.counter) : miscountedCover(p, start))
    if (!fits) return { anchor: cur.id, version }
    if (!explicit && p.subject.hasVersion) {
      version = p.subject.version
      explicit = true
    }
    if (p.role === 'cover') return { anchor: p.id, version }
    seen.add(pid)
    cur = p
  }
}

/**
 * b4's naked cover: a draft without a `0/n` cover whose first patch answers
 * a mail that is no patch and no Re:, from the same sender (or carrying a
 * diffstat): that mail is the cover. A bug report by someone else is not.
 */
function findNakedCovers (drafts: Draft[], byId: Map<string, MailNode>, placed: Map<string, Placement>): void {
  for (const d of drafts) {
    if (d.cover !== undefined) continue
    const first = firstPatch(d)
    if (first === undefined) continue
    const q = byId.get(first.mail.inReplyTo)
    if (q === undefined || placed.has(q.id) || (q.role !== 'other' && q.role !== 'reply')) continue
    if (q.subject.isReply || q.hasDiff) continue
    if (!emailMatches(q.sender.email, first.sender.email) && !q.hasDiffstat) continue
    q.role = 'cover'
    d.cover = { node: q, naked: true }
    d.anchor = q.id
    d.seq = Math.min(d.seq, q.seq)
    placed.set(q.id, { draft: d, index: 0 })
  }
}

/**
 * b4's partial reroll: a v3 that resends only patch 2/2, in reply to v2's
 * 2/2. When every patch of a revision with holes answers the same-numbered
 * patch of one older revision, the holes are filled from it (and its cover
 * applies when the new one has none).
 */
function fillPartialRerolls (drafts: Draft[], byId: Map<string, MailNode>, placed: Map<string, Placement>): void {
  const byVersion = [...drafts].sort((a, b) => a.version - b.version || a.seq - b.seq)
  for (const d of byVersion) {
    const expected = expectedOf(d)
    if (d.version <= 1 || d.patches.size >= expected || d.patches.size === 0) continue
    let older: Draft | undefined
    let sane = true
    for (const { node } of d.patches.values()) {
      const o = olderTwin(node, d.version, byId, placed)
      if (o === undefined || (older !== undefined && o !== older)) {
        sane = false
        break
      }
      older = o
    }
    if (!sane || older === undefined) continue
    for (let index = 1; index <= expected; index++) {
      const p = older.patches.get(index)
      if (d.patches.has(index) || p === undefined) continue
      d.patches.set(index, { node: p.node, carriedFrom: p.carriedFrom ?? older.version })
    }
    if (d.cover === undefined && older.cover !== undefined) {
      d.cover = { node: older.cover.node, naked: older.cover.naked, inheritedFrom: older.cover.inheritedFrom ?? older.version }
    }
    d.partialReroll = true
  }
}

function olderTwin (node: MailNode, version: number, byId: Map<string, MailNode>,
  placed: Map<string, Placement>): Draft | undefined {
  const seen = new Set<string>()
  let p = byId.get(node.mail.inReplyTo)
  while (p !== undefined && !seen.has(p.id)) {
    seen.add(p.id)
    const where = placed.get(p.id)
    if (p.role === 'patch' && where !== undefined && where.draft.version < version &&
      p.subject.counter === node.subject.counter && p.subject.expected === node.subject.expected) return where.draft
    p = byId.get(p.mail.inReplyTo)
  }
  return undefined
}

/** Group covers and patches into drafts of revisions; a second patch for a taken slot is reported, not placed. */
export function groupRevisions (index: MailIndex): Grouping {
  const { nodes, byId } = index
  const byKey = new Map<string, Draft>()
  const placed = new Map<string, Placement>()
  const aliases = new Map<string, string>()
  const unmatched: Unmatched[] = []
  const draftFor = (anchor: string, version: number, seq: number): Draft => {
    const key = `${version} ${anchor}`
    let d = byKey.get(key)
    if (d === undefined) {
      d = { anchor, version, seq, patches: new Map(), partialReroll: false }
      byKey.set(key, d)
    }
    return d
  }
  const sibling = siblingCovers(nodes)
  for (const node of nodes) {
    if (node.role === 'cover') {
      const d = draftFor(node.id, node.subject.version, node.seq)
      d.cover = { node, naked: false }
      d.seq = Math.min(d.seq, node.seq)
      placed.set(node.id, { draft: d, index: 0 })
    } else if (node.role === 'patch') {
      const { anchor, version } = anchorOf(node, byId, sibling)
      const d = draftFor(anchor, version, node.seq)
      const i = indexOf(node)
      const taken = d.patches.get(i)
      if (taken !== undefined) {
        unmatched.push({ mail: node.mail, reason: `duplicate patch ${i}/${expectedOf(d)} of v${version} <${anchor}>: <${taken.node.id}> came first`, lostTo: taken.node.id })
        aliases.set(node.id, taken.node.id)
        continue
      }
      d.patches.set(i, { node })
      placed.set(node.id, { draft: d, index: i })
    }
  }
  let drafts = [...byKey.values()].sort((a, b) => a.seq - b.seq)
  drafts = adoptMismatchedCovers(drafts, byId, placed)
  drafts = joinSiblings(drafts, byId, placed)
  drafts = mergeOrphans(drafts, byId, placed)
  drafts = adoptUnthreadedCovers(drafts, placed)
  findNakedCovers(drafts, byId, placed)
  drafts = foldPartialResends(drafts, placed, aliases, unmatched)
  fillPartialRerolls(drafts, byId, placed)
  drafts.sort((a, b) => a.seq - b.seq)
  return { drafts, placed, aliases, unmatched }
}
