import { CairnError } from '../../../protocol/errors.js'
import type { ParsedMail } from './types.js'
import { parseMailDate } from './maildate.js'
import { binToText, cleanupSpace, cstr, decodeHeader, fromBin, trim } from './mime.js'
import type { MailinfoOptions, MailinfoOutput } from './mailinfo-options.js'
import { Run, SUBJECT } from './mailinfo-run.js'

/**
 * `git mailinfo` in TypeScript: one mail in, the commit message, the patch and
 * the Author/Email/Subject/Date block out, byte for byte what git writes
 * (checked against git's own t5100 cases and git 2.39 on real archives). The
 * body is a line filter: in-body headers, scissors, then message lines until
 * the first patch line. One deliberate difference from 2.39: -m writes
 * "Message-ID:" like newer git (and t5100's expected files), not "Message-Id:".
 *
 * Split in three: mailinfo-run.ts is the state machine over one mail,
 * mailinfo-lines.ts the line tests (patch break, scissors, subject clean-up),
 * this file the entry points and cairn's mail record.
 */

export type { MailinfoOptions } from './mailinfo-options.js'
export { cleanupSubject, isScissorsLine } from './mailinfo-lines.js'

/** Runs git mailinfo over one mail. Never throws: problems land in `errors`, like git's. */
export function runMailinfo (raw: Buffer, opts: MailinfoOptions = {}): MailinfoOutput {
  const run = new Run(raw, opts)
  if (!run.reader.skipSpace()) return emptyOutput(run)

  const first = run.readHeaders()
  run.handleBody(first)
  const msg = run.log.join('')
  const patch = run.patch.join('')
  const { info, author, subject, date } = run.info()

  const pSubject = run.pHdr[SUBJECT] ?? run.chosen(SUBJECT)
  return {
    info: fromBin(info),
    msg: fromBin(msg),
    patch: fromBin(patch),
    errors: run.errors,
    warnings: run.warnings,
    headerless: run.headers.length === 0,
    parsed: toParsedMail(run, {
      author: { name: binToText(author.name), email: binToText(author.email) },
      rawSubject: pSubject === undefined ? '' : binToText(trim(cleanupSpace(cstr(pSubject)))),
      subject: binToText(subject),
      date: binToText(date),
      message: binToText(msg),
      patch: binToText(patch)
    })
  }
}

function emptyOutput (run: Run): MailinfoOutput {
  run.error('empty patch')
  const empty = Buffer.alloc(0)
  return {
    info: empty,
    msg: empty,
    patch: empty,
    errors: run.errors,
    warnings: run.warnings,
    headerless: true,
    parsed: toParsedMail(run, {
      author: { name: '', email: '' }, rawSubject: '', subject: '', date: '', message: '', patch: ''
    })
  }
}

type Derived = Pick<ParsedMail, 'author' | 'rawSubject' | 'subject' | 'date' | 'message' | 'patch'>

function toParsedMail (run: Run, d: Derived): ParsedMail {
  const headers: Array<[string, string]> = []
  for (const [name, value] of run.headers) {
    if (name === '') continue
    const dec = decodeHeader(value, 'UTF-8')
    headers.push([name.toLowerCase(), binToText(dec.value)])
  }
  const first = (name: string): string => headers.find(([n]) => n === name)?.[1] ?? ''
  return {
    messageId: msgIds(first('message-id'))[0] ?? '',
    inReplyTo: msgIds(first('in-reply-to'))[0] ?? '',
    references: msgIds(first('references')),
    ...d,
    dateMs: d.date === '' ? NaN : parseMailDate(d.date),
    headers
  }
}

/** Message-IDs in a header value, without angle brackets; a bare token counts too. */
function msgIds (value: string): string[] {
  const ids = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1] ?? '')
  if (ids.length > 0) return ids
  return value.split(/\s+/).filter((t) => t !== '').map((t) => t.replace(/^<|>$/g, ''))
}

/**
 * A mail as cairn's record. `rawSubject` is the mail's Subject header (where
 * the [PATCH v2 1/3] tag lives) even when an in-body Subject: wins `subject`.
 * Throws CairnError MAIL_PARSE for input that is no mail at all (empty, or no
 * header line), and with `strict` for anything git reports as an error.
 */
export function mailinfo (raw: Buffer, opts: MailinfoOptions = {}): ParsedMail {
  const out = runMailinfo(raw, opts)
  const where = out.parsed.messageId !== '' ? `Message-ID <${out.parsed.messageId}>` : (opts.source ?? 'mail')
  if (out.errors.includes('empty patch')) throw new CairnError('MAIL_PARSE', `${where}: empty mail`)
  if (out.headerless) throw new CairnError('MAIL_PARSE', `${where}: no mail header lines, not a mail`)
  if (opts.strict === true && out.errors.length > 0) {
    throw new CairnError('MAIL_PARSE', `${where}: ${out.errors.join('; ')}`)
  }
  return out.parsed
}

