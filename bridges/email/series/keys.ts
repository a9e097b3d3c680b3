/**
 * Grouping keys: what ties one mail to another anywhere in buildSeries.
 * Two mails that share no tie, directly or through other mails, never
 * affect each other's grouping, so the archive falls into parts (connected
 * components over these ties) and a new mail needs only its own part
 * grouped again: its thread, its sitting and its sender's like-titled
 * postings, never the sender's whole history.
 *
 * The ties buildSeries makes, each covered here:
 * - threading (anchors, naked covers, partial rerolls, replies, links by
 *   In-Reply-To), duplicate and cut-off copies: the Message-IDs a mail has
 *   and names (`id:`);
 * - one sender's covers and patches joined without threading (orphans,
 *   unthreaded covers): only within a sitting (mails.ts markSittings), so a
 *   mail is tied to its sender's covers and patches dated within
 *   SITTING_MS of it (`sitting`, a range the bridge state looks up by
 *   date); mails without a Message-ID of their own (local `git
 *   format-patch` output) have no send time and are one sitting per
 *   sender (`local:`);
 * - revisions linked by subject (link.ts) and partial RESENDs (resend.ts):
 *   one sender's mails whose subjects are alike (`subject`, compared with
 *   link.ts alikeTo against the sender's subjects so far);
 * - a change-id (`change-id:`), in the same mails.
 * Only mails whose sender may lead a revision (covers, patches, and a
 * diffstat-only mail once a patch answers it) tie by sender, so a
 * reviewer's replies and a maintainer's "Applied" notes do not tie every
 * series they answer together.
 */
import type { ParsedMail } from '../parse/types.js'
import { answeredByPatch, leadsBy, LOCAL_ID_SUFFIX, senderOf } from './mails.js'
import { CHANGE_ID } from './series.js'
import { normalizeTitle } from './link.js'
import { parseSubject } from './subject.js'
import { mailboxOf } from './trailers.js'

/** What ties a mail to its sender's other mails: its sitting, by date, and its subject. */
export interface SenderTie { box: string, dateMs: number, title: string }

/**
 * A mail's keys and sender tie. A mail that may lead only by its diffstat
 * (a pull request, a patch-less cover) leads as a naked cover, and only
 * once a patch answers it: its tie is `deferred`, for the caller to make
 * when a mail whose `answers` names it arrives (before or after it), and
 * then by subject only (it takes no part in joining a sitting's drafts).
 */
export function groupingKeys (mail: ParsedMail): { keys: string[], sender?: SenderTie, deferred?: SenderTie, answers?: string } {
  const keys = new Set<string>()
  for (const id of [mail.messageId, mail.inReplyTo, ...mail.references]) if (id !== '') keys.add('id:' + id)
  const leads = leadsBy(mail)
  const box = mailboxOf(senderOf(mail).email)
  const tie: SenderTie = { box, dateMs: mail.dateMs, title: normalizeTitle(parseSubject(mail.rawSubject).subject) }
  if (leads === 'own' && mail.messageId.endsWith(LOCAL_ID_SUFFIX)) keys.add('local:' + box)
  if (leads !== 'none') {
    const changeId = CHANGE_ID.exec(mail.message + '\n' + mail.patch)?.[1]
    if (changeId !== undefined) keys.add('change-id:' + changeId)
  }
  const answers = answeredByPatch(mail)
  // emailMatches never matches an empty address: such a sender ties nothing
  const tied = box === '' ? {} : leads === 'own' ? { sender: tie } : leads === 'diffstat' ? { deferred: tie } : {}
  return { keys: [...keys], ...tied, ...(answers === undefined ? {} : { answers }) }
}
