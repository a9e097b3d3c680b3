/**
 * What grouping reads from one mail alone (its subject, sender, diff marks,
 * trailers), kept per mail object. The daemon keeps its parsed mails across
 * runs and each run groups again a whole part (ingest/regroup.ts), so a
 * mail is read once, not once per mail that joins its part.
 */
import type { ParsedMail } from '../parse/types.js'
import { parseReplyTrailers, parseTrailers, type Trailer } from './trailers.js'

export function perMail<T> (read: (mail: ParsedMail) => T): (mail: ParsedMail) => T {
  const kept = new WeakMap<ParsedMail, T>()
  return (mail) => {
    let v = kept.get(mail)
    if (v === undefined) {
      v = read(mail)
      kept.set(mail, v)
    }
    return v
  }
}

/** Trailers in the mail's own commit message (callers copy before changing the list). */
export const ownTrailers: (mail: ParsedMail) => readonly Trailer[] = perMail((mail) => parseTrailers(mail.message))

/** Trailers a reply gives, quotes cut. */
export const replyTrailers: (mail: ParsedMail) => readonly Trailer[] = perMail((mail) => parseReplyTrailers(mail.message + '\n' + mail.patch))
