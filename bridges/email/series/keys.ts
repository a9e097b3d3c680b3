/**
 * Grouping keys: what ties one mail to another anywhere in buildSeries.
 * Two mails that share no key, directly or through other mails, never
 * affect each other's grouping, so the archive falls into parts (connected
 * components over these keys) and a new mail needs only its own part
 * grouped again: its thread, and its sender's postings.
 *
 * The ties buildSeries makes, each covered by a key:
 * - threading (anchors, naked covers, partial rerolls, replies, links by
 *   In-Reply-To), duplicate and cut-off copies: the Message-IDs a mail has
 *   and names (`id:`);
 * - one sender's covers and patches (orphans, unthreaded covers, siblings,
 *   links by subject similarity; emailMatches compares the mailbox first):
 *   `from:` only for mails whose sender may lead a revision (covers,
 *   patches, and a diffstat-only mail once a patch answers it), so a reviewer's
 *   replies and a maintainer's "Applied" notes do not tie every series they
 *   answer together;
 * - a change-id (`change-id:`), in the same mails.
 */
import type { ParsedMail } from '../parse/types.js'
import { answeredByPatch, leadsBy, senderOf } from './mails.js'
import { CHANGE_ID } from './series.js'

/** The local part of an address, lowercased and without a +tag: what emailMatches requires equal. */
function mailbox (email: string): string {
  return email.trim().toLowerCase().replace(/\+[^@]+@/, '@').split('@')[0] ?? ''
}

/**
 * A mail's keys. A mail that may lead only by its diffstat (a pull request,
 * a patch-less cover) leads as a naked cover, and only once a patch answers
 * it: its sender key is `deferred`, for the caller to add when a mail whose
 * `answers` names it arrives (before or after it). A busy sender's pull
 * requests then no longer tie every part they answer into one (linux-rtc:
 * the largest part 1,302 mails, 872 with this).
 */
export function groupingKeys (mail: ParsedMail): { keys: string[], deferred?: string, answers?: string } {
  const keys = new Set<string>()
  for (const id of [mail.messageId, mail.inReplyTo, ...mail.references]) if (id !== '') keys.add('id:' + id)
  const leads = leadsBy(mail)
  const from = 'from:' + mailbox(senderOf(mail).email)
  if (leads === 'own') keys.add(from)
  if (leads !== 'none') {
    const changeId = CHANGE_ID.exec(mail.message + '\n' + mail.patch)?.[1]
    if (changeId !== undefined) keys.add('change-id:' + changeId)
  }
  const answers = answeredByPatch(mail)
  return { keys: [...keys], ...(leads === 'diffstat' ? { deferred: from } : {}), ...(answers === undefined ? {} : { answers }) }
}
