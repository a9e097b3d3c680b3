import type { ParsedMail } from './types.js'

export interface MailinfoOptions {
  /** -k: keep the Subject as is (no Re:/[PATCH] stripping). */
  keepSubject?: boolean
  /** -b: strip only bracketed text that contains PATCH. */
  keepNonPatchBrackets?: boolean
  /** -m: append "Message-ID: ..." to the message. */
  messageId?: boolean
  /** Charset for metadata and message (-u is UTF-8, the default); null is -n (no re-coding). */
  encoding?: string | null
  /** --scissors: drop everything above a "-- >8 --" line. */
  scissors?: boolean
  /** --no-inbody-headers turns this off: From:/Subject:/Date: at the top of the body override the mail's. */
  inbodyHeaders?: boolean
  /** --quoted-cr: what to do with CRLF left after transfer decoding. */
  quotedCr?: 'nowarn' | 'warn' | 'strip'
  /**
   * Where git gives up on the rest of the body after an error (a failed
   * charset conversion, a malformed encoded word), go on instead, keeping
   * unconvertible lines as raw bytes. Not git's output any more, but nothing
   * is lost. Default false.
   */
  keepGoing?: boolean
  /** mailinfo(): throw on any error git would report, not only on unusable input. */
  strict?: boolean
  /** Names the input (file, mbox index) in error messages. */
  source?: string
}

export interface MailinfoOutput {
  /** What `git mailinfo` prints on stdout. */
  info: Buffer
  /** What it writes to MSG and PATCH. */
  msg: Buffer
  patch: Buffer
  /** What it reports as `error: ...`; non-empty means git would exit 1. */
  errors: string[]
  /** What it reports as `warning: ...`. */
  warnings: string[]
  /** The same result as cairn's mail record. */
  parsed: ParsedMail
  /** True when the input had no header line at all (garbage or a bare patch). */
  headerless: boolean
}
