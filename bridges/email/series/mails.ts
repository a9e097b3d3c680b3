import type { ParsedMail } from '../parse/types.js'
import { parseSubject, type Subject } from './subject.js'
import { mailboxOf, parsePerson, type Person } from './trailers.js'
import type { Unmatched } from './types.js'
import { perMail } from './memo.js'

/** The domain of Message-IDs the ingest makes for mails that have none (local `git format-patch` output). */
export const LOCAL_ID_SUFFIX = '@cairn.local'

/**
 * 1 h: one sender's covers and patches each sent within this of the next
 * are one sitting; only mails of one sitting join without threading (a
 * series sent unthreaded, a cover sent apart from its patches).
 */
export const SITTING_MS = 3_600_000

/** What a mail is by itself, before threading: b4's split into patches, covers, follow-ups, unknowns. */
type Role = 'patch' | 'cover' | 'reply' | 'other'

export interface MailNode {
  id: string
  mail: ParsedMail
  /** Position in the canonical order (date, then Message-ID). */
  seq: number
  subject: Subject
  sender: Person
  hasDiff: boolean
  hasDiffstat: boolean
  role: Role
  /**
   * Its sitting (the seq of the sitting's first mail) when it is a cover or
   * patch with a date, else -1: its sender's covers and patches chained by
   * gaps of at most SITTING_MS. The bridge state ties exactly those mails
   * together (series/keys.ts), so a part holds whole sittings and grouping
   * it alone sees the sittings the whole archive would.
   */
  sitting: number
}

// b4's DIFF_RE, plus --no-prefix diffs
const DIFF = /^(---.*\n\+\+\+ |GIT binary patch|diff --git \S+ \S+)/m
const DIFFSTAT = /^\s*\d+ files? changed/m

/**
 * The canonical order: Date (unparseable last), Message-ID, then content so
 * that even two copies of one Message-ID sort the same everywhere.
 */
export function compareMails (a: ParsedMail, b: ParsedMail): number {
  const da = Number.isFinite(a.dateMs) ? a.dateMs : Infinity
  const db = Number.isFinite(b.dateMs) ? b.dateMs : Infinity
  if (da !== db) return da < db ? -1 : 1
  for (const [x, y] of [[a.messageId, b.messageId], [a.rawSubject, b.rawSubject], [a.author.email, b.author.email],
    [a.author.name, b.author.name], [a.message, b.message], [a.patch, b.patch], [a.date, b.date]] as const) {
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

/** The header From: the person who sent the mail (mailinfo's author may be an in-body From:). */
export function senderOf (mail: ParsedMail): Person {
  const from = mail.headers.find(([name]) => name === 'from')
  const person = from === undefined ? undefined : parsePerson(from[1])
  return person === undefined ? { ...mail.author } : { name: person.name, email: person.email }
}

function roleOf (mail: ParsedMail, subject: Subject, hasDiff: boolean): Role {
  if (subject.isReply) return 'reply'
  if (subject.isCover) return 'cover'
  if (hasDiff) return 'patch'
  // A mail without Re: that answers another is still a follow-up (b4: trailers in a "nore" reply count)
  if (mail.inReplyTo !== '' || mail.references.length > 0) return 'reply'
  return 'other'
}

/**
 * Why a mail's sender may speak for a revision: as a cover or patch of its
 * own, or only by its diffstat, as the naked cover of another sender's
 * patches that answer it (group.ts findNakedCovers), and then only once one
 * does. A Re:, a maintainer's "Applied" note or a pull request without a
 * diffstat cannot, so their senders tie nothing together (series/keys.ts).
 */
export function leadsBy (mail: ParsedMail): 'own' | 'diffstat' | 'none' {
  const subject = parseSubject(mail.rawSubject)
  if (subject.isReply) return 'none'
  if (subject.isCover || DIFF.test(mail.patch)) return 'own'
  return DIFFSTAT.test(mail.patch) || DIFFSTAT.test(mail.message) ? 'diffstat' : 'none'
}

/** The message a patch answers: the one it may make a naked cover of. */
export function answeredByPatch (mail: ParsedMail): string | undefined {
  return mail.inReplyTo !== '' && DIFF.test(mail.patch) ? mail.inReplyTo : undefined
}

export interface MailIndex {
  nodes: MailNode[]
  byId: Map<string, MailNode>
  unmatched: Unmatched[]
}

/** What a node reads from its mail alone (kept per mail: memo.ts). */
const ownFacts = perMail((mail: ParsedMail): Pick<MailNode, 'subject' | 'sender' | 'hasDiff' | 'hasDiffstat'> => ({
  subject: parseSubject(mail.rawSubject),
  sender: senderOf(mail),
  hasDiff: DIFF.test(mail.patch),
  hasDiffstat: DIFFSTAT.test(mail.patch) || DIFFSTAT.test(mail.message)
}))

/** Sort, drop mails without or with an already seen Message-ID (first wins, unless it gave way), and give each its role. */
export function indexMails (mails: readonly ParsedMail[], superseded?: ReadonlyMap<ParsedMail, string>): MailIndex {
  const sorted = [...mails].sort(compareMails)
  const nodes: MailNode[] = []
  const byId = new Map<string, MailNode>()
  const unmatched: Unmatched[] = []
  for (const mail of sorted) {
    const gaveWay = superseded?.get(mail)
    if (gaveWay !== undefined) {
      unmatched.push({ mail, reason: gaveWay, lostTo: mail.messageId })
      continue
    }
    if (mail.messageId === '') {
      unmatched.push({ mail, reason: 'no Message-ID' })
      continue
    }
    if (byId.has(mail.messageId)) {
      unmatched.push({ mail, reason: `duplicate Message-ID <${mail.messageId}>`, lostTo: mail.messageId })
      continue
    }
    const own = ownFacts(mail)
    const node: MailNode = { id: mail.messageId, mail, seq: nodes.length, ...own, role: roleOf(mail, own.subject, own.hasDiff), sitting: -1 }
    nodes.push(node)
    byId.set(node.id, node)
  }
  markSittings(nodes)
  return { nodes, byId, unmatched }
}

/** Each dated cover's and patch's sitting: per sender mailbox, in date order, a new one after a gap over SITTING_MS. */
function markSittings (nodes: readonly MailNode[]): void {
  const last = new Map<string, MailNode>()
  // nodes are in date order (undated last): one pass, the sender's previous mail at hand
  for (const n of nodes) {
    if ((n.role !== 'cover' && n.role !== 'patch') || !Number.isFinite(n.mail.dateMs)) continue
    const box = mailboxOf(n.sender.email)
    const prev = last.get(box)
    n.sitting = prev !== undefined && n.mail.dateMs - prev.mail.dateMs <= SITTING_MS ? prev.sitting : n.seq
    last.set(box, n)
  }
}

