/**
 * Event bodies from the series model: one series.revision per revision, one
 * review per reply, one mail.raw per mail that is neither. Pure: the same
 * grouping and records give the same bodies, so a run after a crash computes
 * exactly what a clean run would have published.
 */
import type { BodyOf } from '../../../protocol/schemas.js'
import type { MailRecord } from './mail-record.js'
import type { ParsedMail } from '../parse/types.js'
import type { Reply, Revision, Series, SeriesResult } from '../series/series.js'

type RevisionBody = BodyOf<'series.revision'>
type ReviewBody = BodyOf<'review'>
type RawBody = BodyOf<'mail.raw'>

interface DesiredRevision {
  /** series id + version: the slot the views keep one revision in */
  key: string
  body: RevisionBody
  /** The slot of the revision it follows, for refs. */
  prev?: string
  /** Its own mails (to fall back to mail.raw if the body cannot be published). */
  mails: MailRecord[]
}

interface DesiredReview {
  messageId: string
  /** Slot of the revision the reply answers. */
  key: string
  /** The patch it answers; absent for the cover letter (the whole revision). */
  patch?: number
  /** Everything but the target, whose revision is the EventId in force for `key` when published. */
  body: Omit<ReviewBody, 'target'>
  record: MailRecord
}

export interface DesiredRaw {
  hash: string
  body: RawBody
}

export interface Desired {
  revisions: DesiredRevision[]
  reviews: DesiredReview[]
  raws: DesiredRaw[]
}

interface BodyOptions {
  /** Series to publish (a --match pre-filter); all when absent. */
  keep?: (series: Series) => boolean
}

export const slotKey = (series: string, version: number): string => `${series}\u0000${version}`

const clip = (s: string, max: number): string => s.length <= max ? s : s.slice(0, max - 1) + '…'
const person = (p: { name: string, email: string }): { name: string, email: string } => ({ name: clip(p.name, 500), email: clip(p.email, 320) })
/** Schema-safe version: subjects may say v0. */
const versionOf = (v: number): number => Math.max(1, v)

function recordOf (records: ReadonlyMap<ParsedMail, MailRecord>, mail: ParsedMail): MailRecord {
  const r = records.get(mail)
  if (r === undefined) throw new Error(`no bridge record for <${mail.messageId}>`) // a bug: every grouped mail comes from a record
  return r
}

/**
 * One project per series (policies key series by project and id): the first
 * --project any of its mails was read with, else the list it came from. A
 * run's options never reach mails read before, so a cron run with other
 * options does not republish the archive.
 */
function projectOf (s: Series, records: ReadonlyMap<ParsedMail, MailRecord>): string {
  const recs: MailRecord[] = []
  for (const rev of s.revisions) {
    if (rev.cover !== undefined) recs.push(recordOf(records, rev.cover.mail))
    for (const p of rev.patches) if (!p.missing) recs.push(recordOf(records, p.mail))
  }
  return recs.map((r) => r.project).find((p) => p !== undefined) ?? recs.map((r) => r.list).find((l) => l !== undefined) ?? ''
}

function revisionBody (s: Series, rev: Revision, records: ReadonlyMap<ParsedMail, MailRecord>, project: string): { body: RevisionBody, mails: MailRecord[] } {
  const own: MailRecord[] = []
  if (rev.cover !== undefined && rev.cover.inheritedFrom === undefined) own.push(recordOf(records, rev.cover.mail))
  const patches: RevisionBody['patches'] = rev.patches.map((slot) => {
    if (slot.missing) return { index: slot.index, subject: '', missing: true }
    const rec = recordOf(records, slot.mail)
    if (slot.carriedFrom === undefined) own.push(rec)
    const m = slot.mail
    const p: RevisionBody['patches'][number] = {
      index: slot.index,
      subject: clip(m.subject, 2000),
      author: person(m.author),
      message: clip(m.message, 1 << 20),
      messageId: clip(slot.messageId, 998),
      date: clip(m.date, 200),
      mail: rec.raw
    }
    if (rec.diff !== undefined) p.diff = rec.diff
    if (rec.files !== undefined) p.files = rec.files
    const trailers = slot.own.map((t) => ({ key: clip(t.key, 200), value: clip(t.value, 2000) }))
    if (trailers.length > 0) p.trailers = trailers
    if (slot.carriedFrom !== undefined) p.carriedFrom = versionOf(slot.carriedFrom)
    return p
  })
  const list = own.map((r) => r.list).find((l) => l !== undefined)
  const body: RevisionBody = {
    project: clip(project, 200),
    series: s.id,
    version: versionOf(rev.version),
    subject: clip(rev.subject, 2000),
    total: rev.expected,
    patches,
    source: { messageIds: own.map((r) => clip(r.mail?.messageId ?? '', 998)).filter((id) => id !== '') }
  }
  if (rev.cover !== undefined) {
    const c = rev.cover.mail
    const text = c.message + c.patch // mailinfo's patch part starts at the `---` line
    const cover: NonNullable<RevisionBody['cover']> = { subject: clip(c.rawSubject, 2000), body: clip(text, 1 << 20), messageId: clip(rev.cover.messageId, 998), mail: recordOf(records, c).raw }
    if (rev.cover.inheritedFrom !== undefined) cover.inheritedFrom = versionOf(rev.cover.inheritedFrom)
    body.cover = cover
  }
  if (rev.baseCommit !== undefined) body.base = rev.baseCommit
  if (list !== undefined) body.source.list = clip(list, 200)
  if (rev.changeId !== undefined) body.changeId = clip(rev.changeId, 200)
  body.author = person(rev.author)
  if (Number.isFinite(rev.date)) body.date = Math.trunc(rev.date)
  if (rev.isRfc) body.rfc = true
  if (rev.isResend) body.resend = true
  if (rev.prefixes.length > 0) body.prefixes = rev.prefixes.slice(0, 50).map((p) => clip(p, 200))
  if (rev.link !== undefined) {
    const link: NonNullable<RevisionBody['link']> = { reason: rev.link.reason, to: clip(rev.link.to, 998) }
    if (rev.link.score !== undefined) link.score = Math.round(rev.link.score * 1000) / 1000
    body.link = link
  }
  return { body, mails: own }
}

function reviewOf (r: Reply, rec: MailRecord, key: string): DesiredReview {
  const text = r.mail.message + r.mail.patch
  const body: DesiredReview['body'] = {
    trailers: r.trailers.map((t) => ({ key: clip(t.key, 200), value: clip(t.value, 2000) })),
    messageId: clip(r.messageId, 998),
    from: person(r.from),
    mail: rec.raw
  }
  if (text.trim() !== '') body.comment = clip(text, 1 << 20)
  const out: DesiredReview = { messageId: r.messageId, key, body, record: rec }
  if (r.target.patch !== undefined) out.patch = r.target.patch
  return out
}

export function rawBody (rec: MailRecord, reason: string): RawBody {
  const body: RawBody = { reason: clip(reason, 2000), mail: rec.raw }
  const id = rec.mail?.messageId ?? ''
  if (id !== '') body.messageId = clip(id, 998)
  if (rec.list !== undefined) body.list = clip(rec.list, 200)
  if (rec.mail !== undefined && rec.mail.rawSubject !== '') body.subject = clip(rec.mail.rawSubject, 2000)
  return body
}

/** Everything the bridge should have published for this grouping (before comparing with what it has). */
export function desiredEvents (result: SeriesResult, records: ReadonlyMap<ParsedMail, MailRecord>, quarantined: readonly MailRecord[], opts: BodyOptions = {}): Desired {
  const out: Desired = { revisions: [], reviews: [], raws: [] }
  const kept = new Set<string>()
  for (const s of result.series) {
    if (opts.keep !== undefined && !opts.keep(s)) continue
    const project = projectOf(s, records)
    // Several postings of one version (a RESEND, a repost): the views keep one revision per series and
    // version, so the newest posting is the revision; the earlier ones' Message-IDs still find it, and
    // their mails are kept as mail.raw saying so. Replies to any posting count for the revision.
    const byKey = new Map<string, Array<{ rev: Revision, body: RevisionBody, mails: MailRecord[] }>>()
    for (const rev of s.revisions) {
      const built = { rev, ...revisionBody(s, rev, records, project) }
      const key = slotKey(built.body.series, built.body.version)
      byKey.set(key, [...(byKey.get(key) ?? []), built])
    }
    let prev: string | undefined
    for (const [key, postings] of byKey) {
      const last = postings[postings.length - 1] as (typeof postings)[number]
      const earlier = postings.slice(0, -1)
      if (earlier.length > 0) {
        last.body.source.messageIds = [...new Set([...earlier.flatMap((p) => p.body.source.messageIds), ...last.body.source.messageIds])]
        for (const p of earlier) {
          for (const rec of p.mails) {
            out.raws.push({ hash: rec.raw.hash, body: rawBody(rec, `an earlier posting of v${p.body.version} of series ${s.id}, posted again as <${last.rev.anchor}>: that posting is the revision`) })
          }
        }
      }
      kept.add(key)
      out.revisions.push(prev === undefined ? { key, body: last.body, mails: last.mails } : { key, body: last.body, mails: last.mails, prev })
      prev = key
    }
  }
  for (const r of result.replies) {
    const key = slotKey(r.target.seriesId, versionOf(r.target.version))
    if (kept.has(key)) out.reviews.push(reviewOf(r, recordOf(records, r.mail), key))
  }
  if (opts.keep === undefined) {
    for (const u of result.unmatched) {
      const rec = recordOf(records, u.mail)
      out.raws.push({ hash: rec.raw.hash, body: rawBody(rec, u.reason) })
    }
    for (const rec of quarantined) out.raws.push({ hash: rec.raw.hash, body: rawBody(rec, rec.error ?? 'not parsed') })
  }
  return out
}
