/**
 * Corpus loading for the series tests, through the real mail parser
 * (bridges/email/mbox.ts splits like `git mailsplit --mboxrd`,
 * bridges/email/mailinfo.ts decodes like `git mailinfo -u`). A mail the
 * parser refuses is counted, not hidden: the bridge would keep it as mail.raw.
 */
import { readFileSync } from 'node:fs'
import { mailinfo } from '../../bridges/email/parse/mailinfo.js'
import { splitMbox } from '../../bridges/email/parse/mbox.js'
import type { ParsedMail } from '../../bridges/email/parse/types.js'

interface Loaded {
  mails: ParsedMail[]
  /** Mails the parser refused, with its message. */
  failed: Array<{ index: number, error: string }>
}

export function loadMbox (path: string): Loaded {
  const mails: ParsedMail[] = []
  const failed: Loaded['failed'] = []
  for (const [index, raw] of splitMbox(readFileSync(path), { mboxrd: true, source: path }).entries()) {
    try {
      mails.push(mailinfo(raw, { keepGoing: true, source: `${path} #${index}` }))
    } catch (err) {
      failed.push({ index, error: err instanceof Error ? err.message : String(err) })
    }
  }
  return { mails, failed }
}

/** The mails of a small fixture mbox; any refused mail fails loudly. */
export function readMbox (path: string): ParsedMail[] {
  const { mails, failed } = loadMbox(path)
  if (failed.length > 0) throw new Error(`${path}: ${failed.length} mails refused: ${failed[0]?.error ?? ''}`)
  return mails
}

/** The raw messages of an mbox as text (for reading reference outputs without our parser). */
export function rawMessages (path: string): string[] {
  return splitMbox(readFileSync(path), { mboxrd: true, source: path }).map(b => b.toString('utf8'))
}
