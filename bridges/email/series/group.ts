import { emailMatches } from './trailers.js'
import type { Unmatched } from './types.js'
import { type MailIndex, type MailNode } from './mails.js'

/** 1 h: a series sent without threading still goes out in one sitting. */
const ORPHAN_WINDOW_MS = 3_600_000

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

export interface Grouping {
  drafts: Draft[]
  /** Own mails only: carried and inherited slots stay placed in their older revision. */
  placed: Map<string, Placement>
  unmatched: Unmatched[]
}

const indexOf = (n: MailNode): number => n.subject.hasCounter ? Math.max(1, n.subject.counter) : 1

export function expectedOf (d: Draft): number {
  let n = d.cover?.node.subject.expected ?? 0
  for (const [index, p] of d.patches) n = Math.max(n, index, p.node.subject.hasCounter ? p.node.subject.expected : 1)
  return n
}

/**
 * Where a patch hangs: climb In-Reply-To through covers and lower-numbered
 * patches of the same version and size (deep or shallow threading). It ends
 * at a cover, at the first patch, or at a missing message the patches all
 * answer (a cover we lack). A patch without a version adopts the one of the
 * cover or patch above it, as b4 does.
 */
function anchorOf (start: MailNode, byId: Map<string, MailNode>): { anchor: string, version: number } {
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
    const fits = (p.role === 'cover' || (p.role === 'patch' && p.subject.counter < cur.subject.counter)) &&
      p.subject.expected === expected && sameVersion
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

function dates (d: Draft): number[] {
  const out: number[] = []
  if (d.cover !== undefined && d.cover.inheritedFrom === undefined) out.push(d.cover.node.mail.dateMs)
  for (const p of d.patches.values()) if (p.carriedFrom === undefined) out.push(p.node.mail.dateMs)
  return out.filter(Number.isFinite)
}

function firstPatch (d: Draft): MailNode | undefined {
  const indexes = [...d.patches.keys()].sort((a, b) => a - b)
  return indexes.length === 0 ? undefined : d.patches.get(indexes[0] as number)?.node
}

/** A draft of patches sent with no threading at all: it may be part of another sent in the same sitting. */
function isRootless (d: Draft, byId: Map<string, MailNode>): boolean {
  const root = byId.get(d.anchor)
  return d.cover === undefined && root !== undefined && root.role === 'patch' && root.mail.inReplyTo === '' &&
    root.mail.references.length === 0 && expectedOf(d) > 1
}

function canMerge (from: Draft, into: Draft): boolean {
  if (from.version !== into.version || expectedOf(from) !== expectedOf(into)) return false
  const a = firstPatch(from)
  const b = firstPatch(into)
  if (a === undefined || b === undefined || !emailMatches(a.sender.email, b.sender.email)) return false
  for (const index of from.patches.keys()) if (into.patches.has(index)) return false
  const da = dates(from)
  const db = dates(into)
  if (da.length === 0 || db.length === 0) return false
  return Math.min(...da) >= Math.min(...db) - ORPHAN_WINDOW_MS && Math.max(...da) <= Math.max(...db) + ORPHAN_WINDOW_MS
}

/** Drafts that may merge share version, size and sender mailbox: the index keeps merging near linear. */
function mergeKey (d: Draft): string {
  const first = firstPatch(d)
  return `${d.version} ${expectedOf(d)} ${first?.sender.email.toLowerCase().replace(/\+[^@]*@/, '@').split('@')[0] ?? ''}`
}

function mergeOrphans (drafts: Draft[], byId: Map<string, MailNode>, placed: Map<string, Placement>): Draft[] {
  const alive = new Set(drafts)
  const byKey = new Map<string, Draft[]>()
  for (const d of drafts) {
    const key = mergeKey(d)
    const list = byKey.get(key)
    if (list === undefined) byKey.set(key, [d])
    else list.push(d)
  }
  for (const d of drafts) {
    if (!alive.has(d) || !isRootless(d, byId)) continue
    // threaded drafts first, then canonical order, so the outcome never depends on input order
    const candidates = (byKey.get(mergeKey(d)) ?? []).filter(g => g !== d && alive.has(g) && canMerge(d, g))
      .sort((x, y) => Number(isRootless(x, byId)) - Number(isRootless(y, byId)) || x.seq - y.seq)
    const into = candidates[0]
    if (into === undefined) continue
    for (const [index, p] of d.patches) {
      into.patches.set(index, p)
      placed.set(p.node.id, { draft: into, index })
    }
    into.seq = Math.min(into.seq, d.seq)
    alive.delete(d)
  }
  return drafts.filter(d => alive.has(d))
}

/**
 * A cover announcing v7 over patches that say v8 (the cover was not
 * updated): patches answering a cover that has none of its own, from the
 * same sender, of the same size and sent in the same sitting, join it, and
 * the revision takes the patches' version.
 */
function adoptMismatchedCovers (drafts: Draft[], byId: Map<string, MailNode>, placed: Map<string, Placement>): Draft[] {
  const alive = new Set(drafts)
  const byParent = new Map<string, Draft[]>() // coverless drafts by the message their first patch answers
  for (const d of drafts) {
    const root = byId.get(d.anchor)
    if (d.cover !== undefined || root === undefined || root.role !== 'patch' || root.mail.inReplyTo === '') continue
    byParent.set(root.mail.inReplyTo, [...(byParent.get(root.mail.inReplyTo) ?? []), d])
  }
  for (const c of drafts) {
    if (c.cover === undefined || c.patches.size > 0) continue
    const cover = c.cover.node
    const joiners = (byParent.get(cover.id) ?? [])
      .filter(d => alive.has(d) && d.version !== c.version && expectedOf(d) === cover.subject.expected)
    const versions = new Set(joiners.map(d => d.version))
    const patches = joiners.flatMap(d => [...d.patches.values()].map(p => p.node))
    const indexes = joiners.flatMap(d => [...d.patches.keys()])
    const sameSitting = patches.every(n => emailMatches(n.sender.email, cover.sender.email) &&
      Math.abs(n.mail.dateMs - cover.mail.dateMs) <= ORPHAN_WINDOW_MS)
    if (joiners.length === 0 || versions.size !== 1 || !sameSitting || new Set(indexes).size !== indexes.length) continue
    for (const d of joiners) {
      for (const [index, p] of d.patches) {
        c.patches.set(index, p)
        placed.set(p.node.id, { draft: c, index })
      }
      alive.delete(d)
    }
    c.version = joiners[0]?.version ?? c.version
  }
  return drafts.filter(d => alive.has(d))
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
  for (const node of nodes) {
    if (node.role === 'cover') {
      const d = draftFor(node.id, node.subject.version, node.seq)
      d.cover = { node, naked: false }
      d.seq = Math.min(d.seq, node.seq)
      placed.set(node.id, { draft: d, index: 0 })
    } else if (node.role === 'patch') {
      const { anchor, version } = anchorOf(node, byId)
      const d = draftFor(anchor, version, node.seq)
      const i = indexOf(node)
      const taken = d.patches.get(i)
      if (taken !== undefined) {
        unmatched.push({ mail: node.mail, reason: `duplicate patch ${i}/${expectedOf(d)} of v${version} <${anchor}>: <${taken.node.id}> came first` })
        continue
      }
      d.patches.set(i, { node })
      placed.set(node.id, { draft: d, index: i })
    }
  }
  let drafts = [...byKey.values()].sort((a, b) => a.seq - b.seq)
  drafts = adoptMismatchedCovers(drafts, byId, placed)
  drafts = mergeOrphans(drafts, byId, placed)
  findNakedCovers(drafts, byId, placed)
  fillPartialRerolls(drafts, byId, placed)
  drafts.sort((a, b) => a.seq - b.seq)
  return { drafts, placed, unmatched }
}
