import { CairnError } from '../../../protocol/errors.js'
import type { ParsedMail } from './types.js'
import { parseFrom } from './author.js'
import { convertBin } from './charset.js'
import { parseMailDate } from './maildate.js'
import {
  type Bin, LineReader, MimeState, binToText, cleanupSpace, cstr, decodeHeader,
  fromBin, headerValue, isSpace, readHeaderLine, toBin, trim
} from './mime.js'

/**
 * `git mailinfo` in TypeScript: one mail in, the commit message, the patch and
 * the Author/Email/Subject/Date block out, byte for byte what git writes
 * (checked against git's own t5100 cases and git 2.39 on real archives). The
 * body is a line filter: in-body headers, scissors, then message lines until
 * the first patch line. One deliberate difference from 2.39: -m writes
 * "Message-ID:" like newer git (and t5100's expected files), not "Message-Id:".
 */

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

const HEADERS = ['From', 'Subject', 'Date'] as const
const FROM = 0
const SUBJECT = 1
type HeaderSlots = [Bin | undefined, Bin | undefined, Bin | undefined]

/** One mail through the git mailinfo state machine. */
class Run {
  readonly keepSubject: boolean
  readonly keepNonPatchBrackets: boolean
  readonly addMessageId: boolean
  readonly target: string | null
  readonly scissors: boolean
  readonly inbodyHeaders: boolean
  readonly quotedCr: 'nowarn' | 'warn' | 'strip'
  readonly keepGoing: boolean

  readonly mime = new MimeState()
  readonly reader: LineReader
  /** Headers of the mail and its parts (first one wins, except at the top where the last does). */
  readonly pHdr: HeaderSlots = [undefined, undefined, undefined]
  /** In-body headers. */
  sHdr: HeaderSlots = [undefined, undefined, undefined]
  readonly headers: Array<[Bin, Bin]> = []
  messageId: Bin | null = null
  log: Bin[] = []
  readonly patch: Bin[] = []
  patchLines = 0
  headerStage = true
  inPatch = false
  inbodyAccum = ''
  prev = ''
  haveQuotedCr = false
  failed = false
  readonly errors: string[] = []
  readonly warnings: string[] = []

  constructor (raw: Buffer, opts: MailinfoOptions) {
    this.reader = new LineReader(toBin(raw))
    this.keepSubject = opts.keepSubject ?? false
    this.keepNonPatchBrackets = opts.keepNonPatchBrackets ?? false
    this.addMessageId = opts.messageId ?? false
    this.target = opts.encoding === undefined ? 'UTF-8' : opts.encoding
    this.scissors = opts.scissors ?? false
    this.inbodyHeaders = opts.inbodyHeaders ?? true
    this.quotedCr = opts.quotedCr ?? 'warn'
    this.keepGoing = opts.keepGoing ?? false
  }

  error (message: string): void {
    this.failed = true
    if (!this.errors.includes(message)) this.errors.push(message)
  }

  /** Should processing stop here, as git's input_error does? */
  get stopped (): boolean {
    return this.failed && !this.keepGoing
  }

  /**
   * The mail's own header block; returns the first body line. A mail that
   * ends in its headers hands its last header line to the body: git's stdio
   * leaves the line buffer as it was once EOF has been seen.
   */
  readHeaders (): Bin {
    let last = ''
    for (;;) {
      const h = readHeaderLine(this.reader)
      if (!h.header) return h.line ?? last
      last = h.line
      this.headers.push(splitHeader(h.line))
      this.checkHeader(h.line, this.pHdr, true)
    }
  }

  /** A header value with encoded words decoded; a malformed one stays raw and is an error. */
  parseHeader (line: Bin, name: string): Bin | null {
    const raw = headerValue(line, name)
    if (raw === null) return null
    const { value, ok } = decodeHeader(raw, this.target)
    if (!ok) this.error(`cannot decode the ${name} header '${cstr(raw)}'`)
    return value
  }

  /** git's check_header(): the headers mailinfo cares about. */
  checkHeader (line: Bin, slots: HeaderSlots, overwrite: boolean): boolean {
    for (let i = 0; i < HEADERS.length; i++) {
      if (slots[i] !== undefined && !overwrite) continue
      const value = this.parseHeader(line, HEADERS[i] ?? '')
      if (value !== null) {
        slots[i] = value
        return true
      }
    }
    let value = this.parseHeader(line, 'Content-Type')
    if (value !== null) {
      const err = this.mime.contentType(value)
      if (err !== null) this.error(err)
      return true
    }
    value = this.parseHeader(line, 'Content-Transfer-Encoding')
    if (value !== null) {
      this.mime.transferEncoding(value)
      return true
    }
    value = this.parseHeader(line, 'Message-ID')
    if (value !== null) {
      if (this.addMessageId) this.messageId = value
      return true
    }
    return false
  }

  /** Walks the body: multipart boundaries, transfer decoding, then the line filter. */
  handleBody (first: Bin): void {
    let line: Bin | null = first
    if (this.mime.top !== undefined) {
      line = this.findBoundary()
      if (line === null) return
    }
    do {
      if (this.mime.isBoundary(line)) {
        if (this.prev !== '') {
          this.filter(this.prev)
          this.prev = ''
        }
        this.summarizeQuotedCr()
        line = this.handleBoundary(line)
        if (line === null) return
      }
      this.bodyLine(this.mime.decodeTransfer(line))
      if (this.stopped) break
    } while ((line = this.reader.wholeLine()) !== null)

    if (this.prev !== '') this.filter(this.prev)
    this.summarizeQuotedCr()
    this.flushInbodyAccum()
  }

  /** A decoded line; base64 and QP may hold several lines or part of one. */
  bodyLine (line: Bin): void {
    if (this.mime.transfer === 'none') {
      this.filterFlowed(line)
      return
    }
    line = this.prev + line
    this.prev = ''
    let start = 0
    while (start < line.length) {
      const nl = line.indexOf('\n', start)
      if (nl === -1) {
        this.prev += line.slice(start)
        break
      }
      this.filterFlowed(line.slice(start, nl + 1))
      start = nl + 1
    }
  }

  findBoundary (): Bin | null {
    let line: Bin | null
    while ((line = this.reader.lineLf()) !== null) {
      if (this.mime.isBoundary(line)) return line
    }
    return null
  }

  /** At a boundary line: close finished multiparts, read the next part's headers. */
  handleBoundary (line: Bin): Bin | null {
    // git feeds a newline for the first closing boundary only (it frees its
    // one-char buffer after use); later ones in a row feed an empty line.
    let newline = '\n'
    while (this.mime.isEndBoundary(line)) {
      this.mime.boundaries.pop()
      this.filter(newline)
      newline = ''
      if (this.stopped) return null
      const next = this.findBoundary()
      if (next === null) return null
      line = next
    }
    this.mime.resetPart()
    for (;;) {
      const h = readHeaderLine(this.reader)
      if (!h.header) break
      this.checkHeader(h.line, this.pHdr, false)
    }
    // git drops the line that ended the part's headers, blank or not.
    const next = this.reader.lineLf()
    return next === null ? null : next + '\n'
  }

  /** format=flowed unwrapping, and what to do with a CR before the LF. */
  filterFlowed (line: Bin): void {
    if (!this.mime.formatFlowed) {
      if (line.endsWith('\r\n')) {
        this.haveQuotedCr = true
        if (this.quotedCr === 'strip') line = line.slice(0, -2) + '\n'
      }
      this.filter(line)
      return
    }
    let len = line.length
    if (line.endsWith('\n')) {
      len--
      if (len > 0 && line.charCodeAt(len - 1) === 13) len--
    }
    if (len === 3 && line.startsWith('-- ')) {
      // Signature separator: keep as is.
      if (this.prev !== '') {
        this.filter(this.prev)
        this.prev = ''
      }
      this.filter(line)
      return
    }
    if (len > 0 && line.charCodeAt(0) === 32) {
      line = line.slice(1)
      len--
    }
    if (len > 0 && line.charCodeAt(len - 1) === 32) {
      // Soft line break: join with the next line.
      this.prev += line.slice(0, len - (this.mime.delsp ? 1 : 0))
      return
    }
    line = this.prev + line
    this.prev = ''
    this.filter(line)
  }

  summarizeQuotedCr (): void {
    if (this.haveQuotedCr && this.quotedCr === 'warn') this.warnings.push('quoted CRLF detected')
    this.haveQuotedCr = false
  }

  /** Message lines until the patch starts, then patch lines. */
  filter (line: Bin): void {
    if (!this.inPatch) {
      const first = this.commitMsgLine(line)
      if (first === null) return
      this.inPatch = true
      line = first
    }
    this.patch.push(line)
    this.patchLines++
  }

  /** git's handle_commit_msg(): null while the message goes on, else the first patch line. */
  commitMsgLine (line: Bin): Bin | null {
    if (this.headerStage && (line === '' || line === '\n')) {
      // Blank lines before the message; one after in-body headers ends them.
      if (this.inbodyAccum !== '') {
        this.flushInbodyAccum()
        this.headerStage = false
      }
      return null
    }
    if (this.inbodyHeaders && this.headerStage) {
      this.headerStage = this.inbodyHeader(line)
      if (this.headerStage) return null
    } else {
      this.headerStage = false
    }

    const converted = convertBin(line, this.mime.charset, this.target)
    if (converted === null) {
      this.error(`cannot convert from ${this.mime.charset} to ${this.target ?? ''}`)
      // git drops the line; keepGoing keeps its raw bytes.
      if (!this.keepGoing) return null
    } else {
      line = converted
    }

    if (this.scissors && isScissorsLine(line)) {
      // Everything so far, in-body headers included, was above the cut.
      this.log = []
      this.headerStage = true
      this.sHdr = [undefined, undefined, undefined]
      return null
    }
    if (isPatchBreak(line)) {
      if (this.messageId !== null) this.log.push(`Message-ID: ${cstr(this.messageId)}\n`)
      return line
    }
    this.log.push(line)
    return null
  }

  /** git's check_inbody_header(): true while the line belongs to in-body headers. */
  inbodyHeader (line: Bin): boolean {
    const c0 = line.charCodeAt(0)
    if (this.inbodyAccum !== '' && (c0 === 32 || c0 === 9)) {
      if (this.scissors && isScissorsLine(line)) {
        this.flushInbodyAccum()
        return false
      }
      // A folded in-body header.
      if (this.inbodyAccum.endsWith('\n')) this.inbodyAccum = this.inbodyAccum.slice(0, -1)
      this.inbodyAccum += line
      return true
    }
    this.flushInbodyAccum()
    if (line.startsWith('>From') && isSpace(line.charCodeAt(5))) return isFormatPatchSeparator(line.slice(1))
    if (line.startsWith('[PATCH]') && isSpace(line.charCodeAt(7))) {
      this.sHdr[SUBJECT] = line
      return true
    }
    if (HEADERS.some((h, i) => this.sHdr[i] === undefined && headerValue(line, h) !== null)) {
      this.inbodyAccum += line
      return true
    }
    return false
  }

  flushInbodyAccum (): void {
    if (this.inbodyAccum === '') return
    this.checkHeader(this.inbodyAccum, this.sHdr, false)
    this.inbodyAccum = ''
  }

  /** The in-body header wins, but only for a mail that carries a patch. */
  chosen (i: number): Bin | undefined {
    const s = this.sHdr[i]
    return this.patchLines > 0 && s !== undefined ? s : this.pHdr[i]
  }

  /** git's handle_info(): the Author/Email/Subject/Date block. */
  info (): { info: Bin, author: { name: Bin, email: Bin }, subject: Bin, date: Bin } {
    let out = ''
    let author = { name: '', email: '' }
    let subject = ''
    let date = ''
    for (let i = 0; i < HEADERS.length; i++) {
      let hdr = this.chosen(i)
      if (hdr === undefined) continue
      if (hdr.includes('\0')) this.error(`a NUL byte in '${HEADERS[i] ?? ''}' is not allowed.`)
      if (i === SUBJECT) {
        if (!this.keepSubject) hdr = cleanupSpace(cleanupSubject(hdr, this.keepNonPatchBrackets))
        subject = cstr(hdr)
        for (const part of subject.split('\n')) out += `Subject: ${part}\n`
      } else if (i === FROM) {
        const { name, email } = parseFrom(cleanupSpace(hdr))
        author = { name: cstr(name), email: cstr(email) }
        out += `Author: ${author.name}\nEmail: ${author.email}\n`
      } else {
        date = cstr(cleanupSpace(hdr))
        out += `Date: ${date}\n`
      }
    }
    return { info: out + '\n', author, subject, date }
  }
}

/** "Name: value" split at the first colon; the mbox From line has no colon to split at. */
function splitHeader (line: Bin): [Bin, Bin] {
  const colon = line.indexOf(':')
  if (line.startsWith('From ') || line.startsWith('>From ') || colon === -1) return ['', line]
  let start = colon + 1
  while (start < line.length && isSpace(line.charCodeAt(start))) start++
  return [line.slice(0, colon), line.slice(start)]
}

/**
 * git's cleanup_subject(): strips leading "Re:", ":", blanks and [bracketed]
 * prefixes ([PATCH v2 1/3], [RFC], ...; with -b only those naming PATCH).
 */
export function cleanupSubject (subject: Bin, keepNonPatchBrackets = false): Bin {
  let s = subject
  let at = 0
  while (at < s.length) {
    const c = s.charAt(at)
    if (c === 'r' || c === 'R') {
      if (s.length > at + 3 && (s.charAt(at + 1) === 'e' || s.charAt(at + 1) === 'E') && s.charAt(at + 2) === ':') {
        s = s.slice(0, at) + s.slice(at + 3)
        continue
      }
      break
    }
    if (c === ' ' || c === '\t' || c === ':') {
      s = s.slice(0, at) + s.slice(at + 1)
      continue
    }
    if (c !== '[') break
    const ket = cstr(s).indexOf(']', at)
    if (ket === -1) break
    const len = ket - at + 1
    if (!keepNonPatchBrackets || (len >= 7 && s.slice(at, at + len).includes('PATCH'))) {
      s = s.slice(0, at) + s.slice(at + len)
    } else {
      at += len
      if (isSpace(s.charCodeAt(at))) at++
    }
  }
  return trim(s)
}

/** A line that starts the patch: `diff -`, `Index: `, `--- file` or a `---` separator. */
export function isPatchBreak (line: Bin): boolean {
  if (line.startsWith('diff -') || line.startsWith('Index: ')) return true
  if (line.length < 4 || !line.startsWith('---')) return false
  if (line.charCodeAt(3) === 32 && !isSpace(line.charCodeAt(4))) return true
  for (let i = 3; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c === 10) return true
    if (!isSpace(c)) break
  }
  return false
}

/**
 * A "-- >8 --" cut line (git's is_scissors_line): scissors (>8 8< >% %<) plus
 * dashes make a perforation of at least 8 visible bytes, over a third of the
 * line, with gaps under half of it; text like "cut here" may sit beside it.
 */
export function isScissorsLine (line: Bin): boolean {
  const s = cstr(line)
  let scissors = 0
  let gap = 0
  let perforation = 0
  let inPerforation = false
  let first = -1
  let last = -1
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (isSpace(c)) {
      if (inPerforation) {
        perforation++
        gap++
      }
      continue
    }
    last = i
    if (first === -1) first = i
    if (c === 45) {
      inPerforation = true
      perforation++
      continue
    }
    const pair = s.slice(i, i + 2)
    if (pair === '>8' || pair === '8<' || pair === '>%' || pair === '%<') {
      inPerforation = true
      perforation += 2
      scissors += 2
      i++
      continue
    }
    inPerforation = false
  }
  const visible = first === -1 ? 0 : last - first + 1
  return scissors > 0 && visible >= 8 && visible < perforation * 3 && gap * 2 < perforation
}

const SAMPLE_FROM = 'From e6807f3efca28b30decfecb1732a56c7db1137ee Mon Sep 17 00:00:00 2001\n'

/** The `From <sha1> Mon Sep 17 00:00:00 2001` line of format-patch output. */
function isFormatPatchSeparator (line: Bin): boolean {
  if (line.length !== SAMPLE_FROM.length || !line.startsWith('From ')) return false
  let n = 5
  while (n < line.length && '0123456789abcdef'.includes(line.charAt(n))) n++
  return n === 45 && line.slice(45) === SAMPLE_FROM.slice(45)
}

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
export function msgIds (value: string): string[] {
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
