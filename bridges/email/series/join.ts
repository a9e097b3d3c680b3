/**
 * Joining pieces of one posting that threading alone leaves apart: parts
 * sent without threading, patches under a cover that forgot its version
 * bump, siblings answering one message (a v2 sent in reply to a review of
 * v1), a cover sent without threading headers. Each pass is b4's view that
 * one sender's mails of one version, sent together, are one series.
 */
import type { MailNode } from './mails.js'
import { mailboxOf } from './trailers.js'
import {
  absorb, disjoint, expectedOf, firstPatch, leadNode, sameSender, sameSitting,
  type Draft, type Placement
} from './draft.js'

/** 1 min: a cover without threading headers joins patches sent in the same minute only. */
const COVER_WINDOW_MS = 60_000

/** A draft of patches sent with no threading at all: it may be part of another sent in the same sitting. */
function isRootless (d: Draft, byId: Map<string, MailNode>): boolean {
  const root = byId.get(d.anchor)
  return d.cover === undefined && root !== undefined && root.role === 'patch' && root.mail.inReplyTo === '' &&
    root.mail.references.length === 0 && expectedOf(d) > 1
}

function canMerge (from: Draft, into: Draft): boolean {
  return from.version === into.version && expectedOf(from) === expectedOf(into) && firstPatch(from) !== undefined &&
    firstPatch(into) !== undefined && sameSender(from, into) && disjoint(from, into) && sameSitting(from, into)
}

/** Drafts that may merge share version, size and sender mailbox: the index keeps merging near linear. */
function mergeKey (d: Draft): string {
  const first = firstPatch(d)
  return `${d.version} ${expectedOf(d)} ${first === undefined ? '' : mailboxOf(first.sender.email)}`
}

function groupBy<K> (drafts: Draft[], key: (d: Draft) => K | undefined): Map<K, Draft[]> {
  const out = new Map<K, Draft[]>()
  for (const d of drafts) {
    const k = key(d)
    if (k === undefined) continue
    const list = out.get(k)
    if (list === undefined) out.set(k, [d])
    else list.push(d)
  }
  return out
}

export function mergeOrphans (drafts: Draft[], byId: Map<string, MailNode>, placed: Map<string, Placement>): Draft[] {
  const alive = new Set(drafts)
  const byKey = groupBy(drafts, mergeKey)
  for (const d of drafts) {
    if (!alive.has(d) || !isRootless(d, byId)) continue
    // threaded drafts first, then canonical order, so the outcome never depends on input order
    const candidates = (byKey.get(mergeKey(d)) ?? []).filter(g => g !== d && alive.has(g) && canMerge(d, g))
      .sort((x, y) => Number(isRootless(x, byId)) - Number(isRootless(y, byId)) || x.seq - y.seq)
    const into = candidates[0]
    if (into === undefined) continue
    absorb(into, d, placed)
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
export function adoptMismatchedCovers (drafts: Draft[], byId: Map<string, MailNode>, placed: Map<string, Placement>): Draft[] {
  const alive = new Set(drafts)
  // coverless drafts by the message their first patch answers
  const byParent = groupBy(drafts, d => {
    const root = byId.get(d.anchor)
    return d.cover !== undefined || root === undefined || root.role !== 'patch' || root.mail.inReplyTo === '' ? undefined : root.mail.inReplyTo
  })
  for (const c of drafts) {
    if (c.cover === undefined || c.patches.size > 0) continue
    const cover = c.cover.node
    const joiners = (byParent.get(cover.id) ?? [])
      .filter(d => alive.has(d) && d.version !== c.version && expectedOf(d) === cover.subject.expected)
    const versions = new Set(joiners.map(d => d.version))
    const indexes = joiners.flatMap(d => [...d.patches.keys()])
    const together = joiners.every(d => sameSender(d, c) && sameSitting(d, c))
    if (joiners.length === 0 || versions.size !== 1 || !together || new Set(indexes).size !== indexes.length) continue
    for (const d of joiners) {
      absorb(c, d, placed)
      alive.delete(d)
    }
    c.version = joiners[0]?.version ?? c.version
  }
  return drafts.filter(d => alive.has(d))
}

/** The message a draft's lead answers (a missing cover its patches hang on counts as that message). */
function parentKey (d: Draft, byId: Map<string, MailNode>): string | undefined {
  const root = byId.get(d.anchor)
  if (root === undefined) return d.anchor
  const lead = leadNode(d) ?? root
  return lead.mail.inReplyTo === '' ? undefined : lead.mail.inReplyTo
}

/** Same posting: version, size (a cover alone may miscount), sender, sitting, no slot twice. */
function siblings (a: Draft, b: Draft): boolean {
  const sized = a.patches.size === 0 || b.patches.size === 0 || expectedOf(a) === expectedOf(b)
  return a.version === b.version && sized && sameSender(a, b) && disjoint(a, b) && sameSitting(a, b)
}

/**
 * A posting sent with `--in-reply-to` a review, or to the previous
 * version's cover, without a cover of its own to hang from: its cover and
 * patches all answer that one message, so each stands alone by threading.
 * Drafts answering the same message that are one posting join, the earliest
 * (or the one with the cover) taking the rest.
 */
export function joinSiblings (drafts: Draft[], byId: Map<string, MailNode>, placed: Map<string, Placement>): Draft[] {
  const alive = new Set(drafts)
  for (const group of groupBy(drafts, d => parentKey(d, byId)).values()) {
    if (group.length < 2) continue
    const ordered = [...group].sort((x, y) => Number(y.cover !== undefined) - Number(x.cover !== undefined) || x.seq - y.seq)
    for (const [i, into] of ordered.entries()) {
      if (!alive.has(into)) continue
      for (const from of ordered.slice(i + 1)) {
        if (!alive.has(from) || !siblings(from, into)) continue
        absorb(into, from, placed)
        alive.delete(from)
      }
    }
  }
  return drafts.filter(d => alive.has(d))
}

const prefixKey = (n: MailNode): string => n.subject.prefixes.map(p => p.toLowerCase()).sort().join(' ')

/**
 * A cover letter and its patches all sent without threading headers: the
 * patches were joined (mergeOrphans), the cover stands alone. It takes the
 * one patch draft of the same sender, version, prefixes and count whose
 * first mail went out within a minute of it (any time for local mails).
 */
export function adoptUnthreadedCovers (drafts: Draft[], byId: Map<string, MailNode>, placed: Map<string, Placement>): Draft[] {
  const alive = new Set(drafts)
  for (const c of drafts) {
    const cover = c.cover?.node
    if (cover === undefined || c.patches.size > 0 || cover.mail.inReplyTo !== '' || cover.mail.references.length > 0) continue
    const joiners = drafts.filter(d => {
      const first = firstPatch(d)
      return alive.has(d) && d.cover === undefined && first !== undefined && first.mail.inReplyTo === '' &&
        first.mail.references.length === 0 && d.version === c.version && expectedOf(d) === cover.subject.expected &&
        prefixKey(first) === prefixKey(cover) && sameSender(d, c) && sameSitting(d, c, COVER_WINDOW_MS)
    })
    const into = joiners[0]
    if (into === undefined || joiners.length > 1) continue // two candidates: which is its own is a guess
    absorb(c, into, placed)
    alive.delete(into)
  }
  return drafts.filter(d => alive.has(d))
}


