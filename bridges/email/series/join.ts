/**
 * Joining pieces of one posting that threading alone leaves apart: parts
 * sent without threading, patches under a cover that forgot its version
 * bump, siblings answering one message (a v2 sent in reply to a review of
 * v1), a cover sent without threading headers. Each pass is b4's view that
 * one sender's mails of one version, sent together, are one series.
 */
import type { MailNode } from './mails.js'
import { LOCAL_ID_SUFFIX } from './mails.js'
import { addressKeys, mailboxOf } from './trailers.js'
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

/**
 * More drafts than this of one key (version, size, sender) in one part is a
 * flood (8,000 unthreaded "[PATCH 1/2]" in a sitting took 52 s when each
 * looked at all): a rootless draft then looks at this many nearest to it in
 * mail order, where the other parts of its posting are, so the work is
 * linear in the mails. Below it every draft of the key is looked at.
 */
const MERGE_WINDOW = 64

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
  const position = new Map<Draft, number>()
  for (const list of byKey.values()) {
    list.sort((a, b) => a.seq - b.seq)
    list.forEach((d, i) => position.set(d, i))
  }
  for (const d of drafts) {
    if (!alive.has(d) || !isRootless(d, byId)) continue
    const key = byKey.get(mergeKey(d)) ?? []
    const at = position.get(d) ?? 0
    const near = key.length <= MERGE_WINDOW ? key : key.slice(Math.max(0, at - MERGE_WINDOW / 2), at + MERGE_WINDOW / 2 + 1)
    // threaded drafts first, then canonical order, so the outcome never depends on input order
    const candidates = near.filter(g => g !== d && alive.has(g) && canMerge(d, g))
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

/** What a patch draft and an unthreaded cover must share: version, count, prefixes. */
const coverKey = (version: number, expected: number, n: MailNode): string => `${version} ${expected} ${prefixKey(n)}`

const isLocal = (n: MailNode): boolean => n.id.endsWith(LOCAL_ID_SUFFIX)

/** Patch drafts that may take an unthreaded cover: no cover, their first patch sent without threading headers. */
function coverless (drafts: readonly Draft[]): Array<{ d: Draft, first: MailNode, min: number, max: number }> {
  const out: Array<{ d: Draft, first: MailNode, min: number, max: number }> = []
  for (const d of drafts) {
    const first = firstPatch(d)
    if (d.cover !== undefined || first === undefined || first.mail.inReplyTo !== '' || first.mail.references.length > 0) continue
    const dates = [...d.patches.values()].filter(p => p.carriedFrom === undefined).map(p => p.node.mail.dateMs).filter(Number.isFinite)
    out.push({ d, first, min: dates.length === 0 ? NaN : Math.min(...dates), max: dates.length === 0 ? NaN : Math.max(...dates) })
  }
  return out
}

/**
 * A cover letter and its patches all sent without threading headers: the
 * patches were joined (mergeOrphans), the cover stands alone. It takes the
 * one patch draft of the same sender, version, prefixes and count whose
 * mails all went out within a minute of it, in its sitting (any time for
 * local mails: sameSitting). Covers are taken in date order, the patch
 * drafts each in a window while a cover's minute can hold all their mails,
 * indexed by what they must share with it (coverKey, sitting, addressKeys),
 * so each lookup finds only candidates and the pass is linear, however many
 * covers and patches one sender sends in one minute.
 */
export function adoptUnthreadedCovers (drafts: Draft[], placed: Map<string, Placement>): Draft[] {
  const alive = new Set(drafts)
  const windowed = new Map<string, Set<Draft>>()
  const local = new Map<string, Set<Draft>>()
  const put = (index: Map<string, Set<Draft>>, key: string, d: Draft): void => {
    const set = index.get(key)
    if (set === undefined) index.set(key, new Set([d]))
    else set.add(d)
  }
  const patchDrafts = coverless(drafts)
  const keysOf = new Map(patchDrafts.map(p => [p.d, addressKeys(p.first.sender.email).stored.map(k => `${coverKey(p.d.version, expectedOf(p.d), p.first)} ${k}`)]))
  const sittingOf = new Map(patchDrafts.map(p => [p.d, p.first.sitting]))
  const drop = (d: Draft): void => {
    for (const k of keysOf.get(d) ?? []) {
      windowed.get(`${sittingOf.get(d) ?? -1} ${k}`)?.delete(d)
      local.get(k)?.delete(d)
    }
  }
  for (const p of patchDrafts) if (isLocal(p.first)) for (const k of keysOf.get(p.d) ?? []) put(local, k, p.d)
  // a draft is a candidate from max - window to min + window (sameSitting), in its lead's sitting
  const entering = patchDrafts.filter(p => Number.isFinite(p.min) && p.first.sitting >= 0).sort((a, b) => a.max - b.max)
  const leaving = [...entering].sort((a, b) => a.min - b.min)
  let nextIn = 0
  let nextOut = 0
  const covers = drafts.filter(c => {
    const cover = c.cover?.node
    return cover !== undefined && c.patches.size === 0 && cover.mail.inReplyTo === '' && cover.mail.references.length === 0
  })
  for (const c of covers) {
    const cover = (c.cover as { node: MailNode }).node
    const t = cover.mail.dateMs
    if (Number.isFinite(t)) {
      for (; nextOut < leaving.length && (leaving[nextOut] as { min: number }).min + COVER_WINDOW_MS < t; nextOut++) {
        const { d, first } = leaving[nextOut] as { d: Draft, first: MailNode }
        for (const k of keysOf.get(d) ?? []) windowed.get(`${first.sitting} ${k}`)?.delete(d) // still a local candidate
      }
      for (; nextIn < entering.length && (entering[nextIn] as { max: number }).max - COVER_WINDOW_MS <= t; nextIn++) {
        const { d, first, min } = entering[nextIn] as { d: Draft, first: MailNode, min: number }
        if (min + COVER_WINDOW_MS < t || !alive.has(d)) continue
        for (const k of keysOf.get(d) ?? []) put(windowed, `${first.sitting} ${k}`, d)
      }
    }
    const found = new Set<Draft>()
    for (const k of addressKeys(cover.sender.email).sought.map(k => `${coverKey(c.version, cover.subject.expected, cover)} ${k}`)) {
      const sets = [Number.isFinite(t) && cover.sitting >= 0 ? windowed.get(`${cover.sitting} ${k}`) : undefined, isLocal(cover) ? local.get(k) : undefined]
      for (const set of sets) for (const d of set ?? []) if (found.size < 2) found.add(d)
    }
    const [into] = found
    if (into === undefined || found.size > 1) continue // two candidates: which is its own is a guess
    absorb(c, into, placed)
    alive.delete(into)
    drop(into)
  }
  return drafts.filter(d => alive.has(d))
}
