/**
 * Two mails read under one Message-ID: a copy from another archive (other
 * transport headers), a real clash, or a mail cut short (an mbox truncated
 * mid-mail) and later read whole. The longer copy must win, whichever was
 * read first, or a cut-off diff stays in force for good.
 */
import type { ParsedMail } from '../parse/types.js'
import type { MailRecord } from './mail-record.js'
import type { BridgeState } from './bridge-state.js'
import type { Unmatched } from '../series/series.js'

/** `long` holds all of `short` and more: its message extends the other's, or its diff is longer. */
function isLongerCopy (long: MailRecord, short: MailRecord): boolean {
  const a = long.mail
  const b = short.mail
  if (a === undefined || b === undefined || a.messageId !== b.messageId || a.rawSubject !== b.rawSubject) return false
  // a message cut mid-line gets its newline back from the parser: compare without trailing blanks
  if (!a.message.startsWith(b.message.trimEnd())) return false
  const diffA = long.diff?.length ?? 0
  const diffB = short.diff?.length ?? 0
  return diffA > diffB || (diffA === diffB && a.message.length > b.message.length && long.raw.length > short.raw.length)
}

/**
 * Mails another copy under their Message-ID extends, with the reason they
 * give way. Grouping never sees them, so the longer copy is the one in force.
 */
export function shorterCopies (records: Iterable<MailRecord>): Map<ParsedMail, string> {
  const byId = new Map<string, MailRecord[]>()
  for (const rec of records) {
    const id = rec.mail?.messageId ?? ''
    if (id !== '') byId.set(id, [...(byId.get(id) ?? []), rec])
  }
  const out = new Map<ParsedMail, string>()
  for (const [id, copies] of byId) {
    if (copies.length < 2) continue
    for (const short of copies) {
      const long = copies.find((c) => c !== short && isLongerCopy(c, short) && !copies.some((d) => d !== c && isLongerCopy(d, c)))
      if (long !== undefined && short.mail !== undefined) {
        out.set(short.mail, `a cut-off copy of <${id}>: the longer copy read from ${long.origin} is in force`)
      }
    }
  }
  return out
}

/** Say when a duplicate Message-ID is the same mail with other headers (not a clash). */
export function explainCopies (unmatched: Unmatched[], records: ReadonlyMap<ParsedMail, MailRecord>, state: BridgeState): void {
  for (const u of unmatched) {
    const rec = records.get(u.mail)
    const first = rec?.content === undefined ? undefined : state.copyOf(u.mail.messageId, rec.content)
    const head = `duplicate Message-ID <${u.mail.messageId}>`
    if (u.reason.startsWith(head) && first !== undefined && first.hash !== rec?.hash) {
      u.reason = head + ': a copy of a mail already read, with other headers' + u.reason.slice(head.length)
    }
  }
}
