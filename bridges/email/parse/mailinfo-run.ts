import type { MailinfoOptions } from './mailinfo-options.js'
import { cleanupSubject, isFormatPatchSeparator, isPatchBreak, isScissorsLine, splitHeader } from './mailinfo-lines.js'
import { parseFrom } from './author.js'
import { convertBin } from './charset.js'
import {
  type Bin, LineReader, MimeState, cleanupSpace, cstr, decodeHeader,
  headerValue, isSpace, readHeaderLine, toBin
} from './mime.js'

/** Characters the body's line splitting has searched: lets a test check it stays linear without a clock. */
export const bodyWork = { scanned: 0 }

const HEADERS = ['From', 'Subject', 'Date'] as const
const FROM = 0
export const SUBJECT = 1
type HeaderSlots = [Bin | undefined, Bin | undefined, Bin | undefined]

/** One mail through the git mailinfo state machine. */
export class Run {
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
  /** The in-body header being read, one part per line (joined once: appending to one string was quadratic). */
  inbodyAccum: Bin[] = []
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

  /**
   * A decoded line; base64 and QP may hold several lines or part of one. The
   * text carried over (prev) never holds a newline, so only the new part is
   * searched: a body that decodes without newlines costs its length, not its
   * length squared (it took 56 s at 2.7 MB when the carried text was rescanned).
   */
  bodyLine (decoded: Bin): void {
    if (this.mime.transfer === 'none') {
      this.filterFlowed(decoded)
      return
    }
    let nl = decoded.indexOf('\n')
    bodyWork.scanned += nl === -1 ? decoded.length : nl + 1
    if (nl === -1) {
      this.prev += decoded
      return
    }
    const carried = this.prev
    this.prev = ''
    this.filterFlowed(carried + decoded.slice(0, nl + 1))
    let start = nl + 1
    while (start < decoded.length) {
      nl = decoded.indexOf('\n', start)
      bodyWork.scanned += (nl === -1 ? decoded.length : nl + 1) - start
      if (nl === -1) {
        this.prev += decoded.slice(start)
        break
      }
      this.filterFlowed(decoded.slice(start, nl + 1))
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
      if (this.inbodyAccum.length > 0) {
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
    if (this.inbodyAccum.length > 0 && (c0 === 32 || c0 === 9)) {
      if (this.scissors && isScissorsLine(line)) {
        this.flushInbodyAccum()
        return false
      }
      // A folded in-body header.
      const last = this.inbodyAccum.length - 1
      const tail = this.inbodyAccum[last] ?? ''
      if (tail.endsWith('\n')) this.inbodyAccum[last] = tail.slice(0, -1)
      this.inbodyAccum.push(line)
      return true
    }
    this.flushInbodyAccum()
    if (line.startsWith('>From') && isSpace(line.charCodeAt(5))) return isFormatPatchSeparator(line.slice(1))
    if (line.startsWith('[PATCH]') && isSpace(line.charCodeAt(7))) {
      this.sHdr[SUBJECT] = line
      return true
    }
    if (HEADERS.some((h, i) => this.sHdr[i] === undefined && headerValue(line, h) !== null)) {
      this.inbodyAccum.push(line)
      return true
    }
    return false
  }

  flushInbodyAccum (): void {
    if (this.inbodyAccum.length === 0) return
    const header = this.inbodyAccum.join('')
    this.inbodyAccum = []
    this.checkHeader(header, this.sHdr, false)
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

