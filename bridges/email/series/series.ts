/**
 * The series model: mails in, patch series out (b4's LoreMailbox/LoreSeries,
 * for a whole archive rather than one thread). Pure and deterministic: the
 * same set of mails in any order gives the same result.
 *
 * buildSeries runs in four steps, one module each:
 *   series-mails    sort by (date, Message-ID), drop duplicate Message-IDs, give each mail a role
 *   series-group    thread covers and patches into revisions (anchors, naked covers, partial
 *                   rerolls); join.ts joins one posting's pieces (stale or miscounted covers,
 *                   unthreaded parts and covers, siblings under a review)
 *   series-replies  walk each reply up to the cover or patch it answers; split its trailers
 *   series-link     tie revisions v1 -> v2 -> v3 by change-id, threading, then subject similarity
 */
import { createHash } from 'node:crypto'
import type { ParsedMail } from '../parse/types.js'
import { dedupeTrailers, sameTrailer, type Trailer } from './trailers.js'
import { ownTrailers } from './memo.js'
import { compareMails, indexMails, type MailNode } from './mails.js'
import { expectedOf, groupRevisions, type Draft } from './group.js'
import { resolveReplies, type ReplyDraft } from './replies.js'
import { linkOrder, linkRevisions, type LinkFacts } from './link.js'
import type { Cover, PatchSlot, Reply, Revision, Series, SeriesResult, Unmatched } from './types.js'

export type * from './types.js'
export { SUBJECT_SIMILARITY } from './link.js'

const MAX_ID = 200 // the series.revision schema caps `series` at 200 characters

/** Stable id of a series from what every node can read in the mails. */
export function seriesIdOf (key: string): string {
  return key.length <= MAX_ID ? key : 'sha256:' + createHash('sha256').update(key).digest('hex')
}

// b4 puts these under the cover's `---`, or under a lone patch's diff
export const CHANGE_ID = /^change-id:[ \t]*(\S+)/im
const BASE_COMMIT = /^base-commit:[ \t]*([0-9a-f]{7,64})\b/im

function ownNodes (d: Draft): MailNode[] {
  const out: MailNode[] = []
  if (d.cover !== undefined && d.cover.inheritedFrom === undefined) out.push(d.cover.node)
  for (const p of d.patches.values()) if (p.carriedFrom === undefined) out.push(p.node)
  return out
}

function firstPresent (d: Draft): MailNode | undefined {
  const i = [...d.patches.keys()].sort((a, b) => a - b)[0]
  return i === undefined ? undefined : d.patches.get(i)?.node
}

/** The mail that speaks for a revision: its own cover, else its first patch. */
function leadOf (d: Draft): MailNode | undefined {
  return d.cover !== undefined && d.cover.inheritedFrom === undefined ? d.cover.node : firstPresent(d) ?? ownNodes(d)[0]
}

/** Where change-id and base-commit may sit: anywhere in the cover, below the first patch's `---`. */
function metaText (d: Draft): string {
  const cover = d.cover?.node.mail
  return (cover === undefined ? '' : cover.message + '\n' + cover.patch + '\n') + (firstPresent(d)?.mail.patch ?? '')
}

interface Facts extends LinkFacts { draft: Draft }

function factsOf (d: Draft, replies: readonly ReplyDraft[]): Facts {
  const own = ownNodes(d)
  const lead = leadOf(d)
  const titleNode = d.cover?.node ?? firstPresent(d)
  const refs = new Set<string>()
  for (const n of own) for (const id of [n.mail.inReplyTo, ...n.mail.references]) if (id !== '') refs.add(id)
  const ids = new Set(own.map(n => n.id))
  for (const r of replies) ids.add(r.node.id)
  const meta = metaText(d)
  const changeId = CHANGE_ID.exec(meta)?.[1]
  const facts: Facts = {
    draft: d,
    version: d.version,
    date: Math.min(...own.map(n => n.mail.dateMs).filter(Number.isFinite)),
    seq: d.seq,
    anchor: d.anchor,
    sender: lead?.sender.email ?? '',
    title: titleNode?.subject.subject ?? '',
    patchSubjects: [...d.patches.values()].filter(p => p.carriedFrom === undefined).map(p => p.node.subject.subject),
    isResend: lead?.subject.isResend ?? false,
    expected: expectedOf(d),
    isRfc: lead?.subject.isRfc ?? false,
    refs,
    ids
  }
  if (!Number.isFinite(facts.date)) facts.date = NaN
  if (changeId !== undefined) facts.changeId = changeId
  return facts
}

function coverOf (d: Draft): Cover | undefined {
  if (d.cover === undefined) return undefined
  const c: Cover = { messageId: d.cover.node.id, mail: d.cover.node.mail, subject: d.cover.node.subject, naked: d.cover.naked }
  if (d.cover.inheritedFrom !== undefined) c.inheritedFrom = d.cover.inheritedFrom
  return c
}

function revisionOf (f: Facts, seriesId: string, repliesTo: Map<string, ReplyDraft[]>,
  link: Revision['link']): Revision {
  const d = f.draft
  const lead = leadOf(d)
  const trailersFrom = (id: string): Trailer[] => (repliesTo.get(id) ?? []).flatMap(r => r.trailers)
  const coverTrailers = d.cover === undefined ? [] : dedupeTrailers(trailersFrom(d.cover.node.id))
  const expected = expectedOf(d)
  const patches: PatchSlot[] = []
  for (let index = 1; index <= expected; index++) {
    const p = d.patches.get(index)
    if (p === undefined) {
      patches.push({ index, missing: true })
      continue
    }
    const own = [...ownTrailers(p.node.mail)]
    const collected = dedupeTrailers([...trailersFrom(p.node.id), ...coverTrailers])
      .filter(t => !own.some(o => sameTrailer(o, t)))
    const slot: PatchSlot = {
      index,
      missing: false,
      messageId: p.node.id,
      mail: p.node.mail,
      subject: p.node.subject,
      own,
      collected,
      hasDiff: p.node.hasDiff
    }
    if (p.carriedFrom !== undefined) slot.carriedFrom = p.carriedFrom
    patches.push(slot)
  }
  const rev: Revision = {
    seriesId,
    anchor: d.anchor,
    version: d.version,
    subject: f.title,
    author: lead === undefined ? { name: '', email: '' } : { ...lead.sender },
    date: f.date,
    expected,
    patches,
    complete: patches.every(p => !p.missing),
    coverTrailers,
    isRfc: f.isRfc,
    isResend: f.isResend,
    prefixes: lead?.subject.prefixes ?? [],
    partialReroll: d.partialReroll
  }
  const cover = coverOf(d)
  if (cover !== undefined) rev.cover = cover
  if (f.changeId !== undefined) rev.changeId = f.changeId
  const base = BASE_COMMIT.exec(metaText(d))?.[1]
  if (base !== undefined) rev.baseCommit = base
  if (link !== undefined) rev.link = link
  return rev
}

interface SeriesOptions {
  /** Mails that give way to another copy under their Message-ID (a cut-off copy), with the reason. */
  superseded?: ReadonlyMap<ParsedMail, string>
}

/**
 * Group mails into series, revisions and replies. Every mail lands in
 * exactly one place: a revision's cover or patch slot, `replies`, or
 * `unmatched` with the reason.
 */
export function buildSeries (mails: readonly ParsedMail[], opts: SeriesOptions = {}): SeriesResult {
  const index = indexMails(mails, opts.superseded)
  const grouping = groupRevisions(index)
  const resolved = resolveReplies(index, grouping)

  const repliesByDraft = new Map<Draft, ReplyDraft[]>()
  const repliesTo = new Map<string, ReplyDraft[]>()
  for (const r of resolved.replies) {
    pushTo(repliesByDraft, r.at.draft, r)
    pushTo(repliesTo, r.target.id, r)
  }
  const facts = grouping.drafts.map(d => factsOf(d, repliesByDraft.get(d) ?? []))
  const { root, links } = linkRevisions(facts)

  const members = new Map<number, number[]>()
  facts.forEach((_f, i) => pushTo(members, root[i] as number, i))
  const series: Series[] = []
  const revisionOfDraft = new Map<Draft, Revision>()
  const groups = [...members.values()].map(list => {
    const ordered = list.sort((a, b) => linkOrder(facts[a] as Facts, facts[b] as Facts))
    const changeId = ordered.map(i => (facts[i] as Facts).changeId).find(c => c !== undefined)
    const first = facts[ordered[0] as number] as Facts
    return { ordered, changeId, first, key: changeId !== undefined ? `change-id:${changeId}` : first.anchor }
  })
  // Two unlinked series can share a key (v2 and v3 parts hanging on one missing cover, a change-id
  // posted twice as v1): the version of the first revision, unique with the anchor, tells them apart.
  const keyCount = new Map<string, number>()
  for (const g of groups) keyCount.set(g.key, (keyCount.get(g.key) ?? 0) + 1)
  for (const { ordered, changeId, first, key } of groups) {
    const id = seriesIdOf((keyCount.get(key) ?? 0) > 1 ? `${first.anchor} v${first.version}` : key)
    const revisions = ordered.map(i => {
      const rev = revisionOf(facts[i] as Facts, id, repliesTo, links[i])
      revisionOfDraft.set((facts[i] as Facts).draft, rev)
      return rev
    })
    const last = revisions[revisions.length - 1] as Revision
    const s: Series = { id, subject: last.subject, revisions }
    if (changeId !== undefined) s.changeId = changeId
    series.push(s)
  }
  series.sort(bySeriesStart)

  const replies: Reply[] = resolved.replies.map(r => {
    const rev = revisionOfDraft.get(r.at.draft) as Revision
    const target: Reply['target'] = { seriesId: rev.seriesId, version: rev.version, revision: rev.anchor, messageId: r.target.id }
    if (r.at.index > 0) target.patch = r.at.index
    return {
      messageId: r.node.id,
      mail: r.node.mail,
      from: { ...r.node.sender },
      kind: r.trailers.length > 0 ? 'review' : 'comment',
      target,
      trailers: r.trailers,
      mismatched: r.mismatched
    }
  })
  const unmatched = [...index.unmatched, ...grouping.unmatched, ...resolved.unmatched]
    .map(u => nameWinner(u, series, replies))
    .sort((a, b) => compareMails(a.mail, b.mail))
  return { series, replies, unmatched }
}

/** A mail that lost its place to another: say where the winner is (series, version), so mail.raw names it. */
function nameWinner (u: Unmatched, series: readonly Series[], replies: readonly Reply[]): Unmatched {
  if (u.lostTo === undefined) return u
  for (const s of series) {
    for (const rev of s.revisions) {
      const own = rev.cover !== undefined && rev.cover.inheritedFrom === undefined && rev.cover.messageId === u.lostTo
      if (own || rev.patches.some(p => !p.missing && p.carriedFrom === undefined && p.messageId === u.lostTo)) {
        return { ...u, reason: `${u.reason}; lost to v${rev.version} of series ${s.id}` }
      }
    }
  }
  const reply = replies.find(r => r.messageId === u.lostTo)
  if (reply !== undefined) return { ...u, reason: `${u.reason}; lost to a reply in v${reply.target.version} of series ${reply.target.seriesId}` }
  return u
}

function pushTo<K, V> (map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/** Series in the order they started: earliest revision date (undated last), then id. */
function bySeriesStart (a: Series, b: Series): number {
  const start = (s: Series): number => Math.min(...s.revisions.map(r => Number.isFinite(r.date) ? r.date : Infinity))
  return start(a) - start(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** Where one mail went. 'new-revision': a cover or patch answering an older revision of its series. */
type Place =
  | { kind: 'cover' | 'patch' | 'new-revision', seriesId: string, version: number, revision: string, index: number }
  | { kind: 'review' | 'comment', seriesId: string, version: number, revision: string, index?: number }
  | { kind: 'unmatched', reason: string }

/**
 * Every placement in a result, one entry per mail: own covers and patches
 * (not carried or inherited slots), replies, unmatched mails.
 */
export function placements (result: SeriesResult): Array<{ mail: ParsedMail, place: Place }> {
  const revisionOfId = new Map<string, Revision>()
  for (const s of result.series) {
    for (const rev of s.revisions) {
      if (rev.cover !== undefined && rev.cover.inheritedFrom === undefined) revisionOfId.set(rev.cover.messageId, rev)
      for (const p of rev.patches) if (!p.missing && p.carriedFrom === undefined) revisionOfId.set(p.messageId, rev)
    }
  }
  // a revision is its anchor with its version: parts of v2 and v3 may hang on one missing cover
  const byAnchor = new Map(result.series.flatMap(s => s.revisions.map(r => [`${r.version} ${r.anchor}`, r] as const)))
  for (const r of result.replies) {
    const rev = byAnchor.get(`${r.target.version} ${r.target.revision}`)
    if (rev !== undefined) revisionOfId.set(r.messageId, rev)
  }
  const out: Array<{ mail: ParsedMail, place: Place }> = []
  for (const s of result.series) {
    const position = new Map(s.revisions.map((r, i) => [r, i]))
    for (const rev of s.revisions) {
      const where = { seriesId: s.id, version: rev.version, revision: rev.anchor }
      const kindOf = (mail: ParsedMail, own: 'cover' | 'patch'): 'cover' | 'patch' | 'new-revision' => {
        const parent = revisionOfId.get(mail.inReplyTo)
        const older = parent !== undefined && parent !== rev && parent.seriesId === s.id &&
          (position.get(parent) ?? Infinity) < (position.get(rev) ?? -Infinity)
        return older ? 'new-revision' : own
      }
      if (rev.cover !== undefined && rev.cover.inheritedFrom === undefined) {
        out.push({ mail: rev.cover.mail, place: { kind: kindOf(rev.cover.mail, 'cover'), ...where, index: 0 } })
      }
      for (const p of rev.patches) {
        if (p.missing || p.carriedFrom !== undefined) continue
        out.push({ mail: p.mail, place: { kind: kindOf(p.mail, 'patch'), ...where, index: p.index } })
      }
    }
  }
  for (const r of result.replies) {
    const place: Place = { kind: r.kind, seriesId: r.target.seriesId, version: r.target.version, revision: r.target.revision }
    if (r.target.patch !== undefined) place.index = r.target.patch
    out.push({ mail: r.mail, place })
  }
  for (const u of result.unmatched) out.push({ mail: u.mail, place: { kind: 'unmatched', reason: u.reason } })
  return out
}
