import { givenBySender, sameTrailer, type Trailer } from './trailers.js'
import { ownTrailers, replyTrailers } from './memo.js'
import type { Unmatched } from './types.js'
import type { MailIndex, MailNode } from './mails.js'
import type { Grouping, Placement } from './group.js'

export interface ReplyDraft {
  node: MailNode
  /** The cover or patch the thread answers, and where it is placed. */
  target: MailNode
  at: Placement
  trailers: Trailer[]
  mismatched: Trailer[]
}

type Resolved = { target: MailNode, at: Placement } | { reason: string }

/**
 * Climb a reply's thread to the cover or patch it answers (through other
 * replies, as b4 does). In-Reply-To first; when that message is not here,
 * the newest References entry that is.
 */
function resolve (node: MailNode, index: MailIndex, grouping: Grouping): Resolved {
  const seen = new Set<string>([node.id])
  let cur = node
  for (;;) {
    const known = [cur.mail.inReplyTo, ...[...cur.mail.references].reverse()]
      .find(id => id !== '' && !seen.has(id) && index.byId.has(id))
    if (known === undefined) {
      const missing = cur.mail.inReplyTo !== '' ? cur.mail.inReplyTo : cur.mail.references[cur.mail.references.length - 1]
      if (missing === undefined || seen.has(missing)) return { reason: 'not a patch and not a reply' }
      return { reason: `reply to unknown message <${missing}>` }
    }
    let p = index.byId.get(known) as MailNode
    // a patch filed as a duplicate of its slot (a RESEND into the same thread): its replies count for the patch in force
    const alias = grouping.aliases.get(p.id)
    if (alias !== undefined) p = index.byId.get(alias) ?? p
    const at = grouping.placed.get(p.id)
    if (at !== undefined) return { target: p, at }
    if (p.role === 'reply') {
      seen.add(p.id)
      cur = p
      continue
    }
    if (p.role === 'patch' || p.role === 'cover') return { reason: `reply to <${p.id}>, a patch that was not placed` }
    return { reason: `reply in a thread that is not a patch series (root <${p.id}>)` }
  }
}

/** Sort each reply into its target and split its trailers into those its sender may give and the rest. */
export function resolveReplies (index: MailIndex, grouping: Grouping): { replies: ReplyDraft[], unmatched: Unmatched[] } {
  const replies: ReplyDraft[] = []
  const unmatched: Unmatched[] = []
  const ownCache = new Map<string, Trailer[]>()
  for (const node of index.nodes) {
    if (grouping.placed.has(node.id)) continue
    if (node.role === 'other') {
      unmatched.push({ mail: node.mail, reason: 'not a patch and not a reply' })
      continue
    }
    if (node.role !== 'reply') continue // unplaced patches were reported by the grouping
    const r = resolve(node, index, grouping)
    if ('reason' in r) {
      unmatched.push({ mail: node.mail, reason: r.reason })
      continue
    }
    let own = ownCache.get(r.target.id)
    if (own === undefined) {
      own = [...ownTrailers(r.target.mail)]
      ownCache.set(r.target.id, own)
    }
    const trailers: Trailer[] = []
    const mismatched: Trailer[] = []
    for (const t of replyTrailers(node.mail)) {
      // restating a trailer the patch already carries adds nothing and claims nothing (b4)
      if (own.some(o => sameTrailer(o, t))) continue
      if (givenBySender(t, node.sender)) trailers.push(t)
      else mismatched.push(t)
    }
    replies.push({ node, target: r.target, at: r.at, trailers, mismatched })
  }
  return { replies, unmatched }
}
