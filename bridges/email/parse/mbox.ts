import { createReadStream } from 'node:fs'
import { CairnError } from '../../../protocol/errors.js'

/**
 * mbox splitting as `git mailsplit` (and `--mboxrd`, `--keep-cr`, `-b`) does
 * it, on bytes: a message starts at a `From ` line that ends in something
 * like a time and a year; CRLF becomes LF; with mboxrd, `>From `-quoted lines
 * (any number of `>`) lose one `>`. Each message keeps its `From ` line, so it
 * can go straight to mailinfo.
 */
export interface MboxOptions {
  /** mboxrd: unquote `>+From ` lines. Default false (mboxo: lines kept as they are). */
  mboxrd?: boolean
  /** Keep CR before LF (git mailsplit --keep-cr). Default false. */
  keepCr?: boolean
  /**
   * Input whose first line is no `From ` line is a single bare mail (-b).
   * Default true; false makes it a MAIL_PARSE error like mailsplit's "corrupt mailbox".
   */
  allowBare?: boolean
  /** Names the input in errors. */
  source?: string
  /**
   * Told what was skipped before the first `From ` line: a UTF-8 byte order
   * mark, or lines that are neither a `From ` line nor a header (a stray
   * line saved above an mbox). Without this, junk was read as one bare mail.
   */
  onSkip?: (what: string) => void
}

// Leading junk is held until a `From ` line shows it was junk; past this it is a bare mail after all.
const JUNK_MAX_BYTES = 64 << 10
const JUNK_MAX_LINES = 1000
const BOM = Buffer.from([0xef, 0xbb, 0xbf])

/** An RFC 5322 header line (`Name: value`), the start of a bare mail. */
function isHeaderLine (buf: Buffer, start: number, end: number): boolean {
  let i = start
  while (i < end && (buf[i] ?? 0) > 32 && (buf[i] ?? 0) < 127 && buf[i] !== 58) i++
  return i > start && buf[i] === 58
}

const LF = 10
const NL = Buffer.from('\n')

// Around the last colon: h:mm:ss or hh:mm:ss style digits.
const DIGIT_OFFSETS = [-4, -2, -1, 1, 2]

/** git's is_from_line(): `From ` and, near the end, `hh:mm:ss yyyy`-ish with a year over 90. */
function isFromLine (buf: Buffer, start: number, end: number): boolean {
  if (end - start < 20 || buf[start] !== 70 || buf.toString('latin1', start, start + 5) !== 'From ') return false
  const lo = start + 5
  let colon = end - 2
  for (;;) {
    if (colon < lo) return false
    colon--
    if (buf[colon] === 58) break
  }
  for (const off of DIGIT_OFFSETS) {
    const c = buf[colon + off] ?? 0
    if (c < 48 || c > 57) return false
  }
  return strtol(buf, colon + 3, end) > 90
}

/** C strtol() in base 10 over buf[at, end): leading space, a sign, digits. */
function strtol (buf: Buffer, at: number, end: number): number {
  while (at < end && isCSpace(buf[at] ?? 0)) at++
  let sign = 1
  if (buf[at] === 45 || buf[at] === 43) sign = buf[at++] === 45 ? -1 : 1
  let n = 0
  while (at < end) {
    const c = buf[at++] ?? 0
    if (c < 48 || c > 57) break
    n = Math.min(n * 10 + c - 48, Number.MAX_SAFE_INTEGER)
  }
  return sign * n
}

function isCSpace (c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13)
}

/** git's is_gtfrom(): `>From `, `>>From `, ... */
function isGtFrom (buf: Buffer, start: number, end: number): boolean {
  if (end - start < 6) return false
  let i = start
  while (i < end && buf[i] === 62) i++
  return i > start && end - i >= 5 && buf.toString('latin1', i, i + 5) === 'From '
}

/** git's isspace(), for the whitespace mailsplit skips at the start. */
function isGitSpace (c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}

/**
 * Push-style splitter: feed chunks, get whole messages back. Lines that need
 * no rewriting are passed on as slices of the input chunks (no copying until
 * a message is complete).
 */
export class MboxSplitter {
  private readonly mboxrd: boolean
  private readonly keepCr: boolean
  private readonly allowBare: boolean
  private readonly source: string
  /** Pieces of a line that spans chunks. */
  private pending: Buffer[] = []
  /** Pieces of the current message. */
  private parts: Buffer[] = []
  private started = false
  private bare = false
  private inMessage = false
  private readonly onSkip: ((what: string) => void) | undefined
  private firstLine = true
  private bomSkipped = false
  /** Leading lines that are no `From ` line and no header, held until we know whether they were junk. */
  private junk: Buffer[] | undefined
  private junkBytes = 0

  constructor (opts: MboxOptions = {}) {
    this.mboxrd = opts.mboxrd ?? false
    this.keepCr = opts.keepCr ?? false
    this.allowBare = opts.allowBare ?? true
    this.source = opts.source ?? 'mbox'
    this.onSkip = opts.onSkip
  }

  push (chunk: Buffer): Buffer[] {
    const out: Buffer[] = []
    let pos = 0
    if (!this.started) {
      while (pos < chunk.length && isGitSpace(chunk[pos] ?? 0)) pos++
      if (pos === chunk.length) return out
      this.started = true
    }
    if (this.pending.length > 0) {
      const nl = chunk.indexOf(LF, pos)
      if (nl === -1) {
        this.pending.push(chunk.subarray(pos))
        return out
      }
      this.pending.push(chunk.subarray(pos, nl + 1))
      const line = Buffer.concat(this.pending)
      this.pending = []
      this.line(line, 0, line.length, out)
      pos = nl + 1
    }
    let runStart = pos
    while (pos < chunk.length) {
      const nl = chunk.indexOf(LF, pos)
      if (nl === -1) break
      const end = nl + 1
      if (this.needsCare(chunk, pos, end)) {
        if (runStart < pos) this.parts.push(chunk.subarray(runStart, pos))
        this.line(chunk, pos, end, out)
        runStart = end
      }
      pos = end
    }
    if (runStart < pos) this.parts.push(chunk.subarray(runStart, pos))
    if (pos < chunk.length) this.pending.push(chunk.subarray(pos))
    return out
  }

  end (): Buffer[] {
    const out: Buffer[] = []
    if (this.pending.length > 0) {
      const line = Buffer.concat(this.pending)
      this.pending = []
      this.line(line, 0, line.length, out)
    }
    if (this.junk !== undefined) this.replayJunk(out) // no `From ` line came: it was a bare mail
    if (this.inMessage) out.push(this.finish())
    return out
  }

  /**
   * Before the first message: skip a byte order mark; hold lines that are no
   * `From ` line and no header until a `From ` line proves them junk (they
   * are skipped and reported) or the cap or the end proves them a bare mail.
   * Returns the line's start, or -1 when the line was held.
   */
  private leading (buf: Buffer, start: number, end: number, out: Buffer[]): number {
    if (this.firstLine) {
      this.firstLine = false
      if (end - start >= 3 && buf.subarray(start, start + 3).equals(BOM)) {
        start += 3
        this.bomSkipped = true
      }
      if (!this.allowBare || isFromLine(buf, start, end) || isHeaderLine(buf, start, end)) {
        if (this.bomSkipped) this.onSkip?.(`skipped 3 bytes before the first line (a UTF-8 byte order mark)`)
        return start
      }
      this.junk = []
    }
    const junk = this.junk as Buffer[]
    if (isFromLine(buf, start, end)) {
      const bytes = this.junkBytes + (this.bomSkipped ? 3 : 0)
      this.onSkip?.(`skipped ${bytes} bytes (${junk.length} line${junk.length === 1 ? '' : 's'}${this.bomSkipped ? ' and a UTF-8 byte order mark' : ''}) before the first "From " line`)
      this.junk = undefined
      return start
    }
    junk.push(buf.subarray(start, end))
    this.junkBytes += end - start
    if (this.junkBytes > JUNK_MAX_BYTES || junk.length > JUNK_MAX_LINES) this.replayJunk(out)
    return -1
  }

  /** The held lines were a bare mail's first lines: read them as such. */
  private replayJunk (out: Buffer[]): void {
    const lines = this.junk ?? []
    this.junk = undefined
    for (const l of lines) this.line(l, 0, l.length, out)
  }

  /** Can this line start a message, or need rewriting? Most lines cannot. */
  private needsCare (buf: Buffer, start: number, end: number): boolean {
    if (!this.inMessage) return true
    const c = buf[start]
    if (c === 70 || (c === 62 && this.mboxrd)) return true
    return !this.keepCr && end - start > 1 && buf[end - 2] === 13
  }

  /** One line, the slow way: message start, CR stripping, mboxrd unquoting. */
  private line (buf: Buffer, start: number, end: number, out: Buffer[]): void {
    if (!this.inMessage && (this.firstLine || this.junk !== undefined)) {
      start = this.leading(buf, start, end, out)
      if (start < 0) return
    }
    if (!this.inMessage) {
      this.bare = !isFromLine(buf, start, end)
      if (this.bare && !this.allowBare) {
        throw new CairnError('MAIL_PARSE', `${this.source}: corrupt mailbox, the first line is no "From " line`)
      }
      this.inMessage = true
    } else if (!this.bare && isFromLine(buf, start, end)) {
      out.push(this.finish())
    }
    let crlf = false
    if (!this.keepCr && end - start > 1 && buf[end - 1] === LF && buf[end - 2] === 13) {
      end -= 2
      crlf = true
    }
    // is_gtfrom() sees the line with its LF, after CR stripping.
    if (this.mboxrd && isGtFrom(buf, start, end + (crlf ? 1 : 0))) start++
    this.parts.push(buf.subarray(start, end))
    if (crlf) this.parts.push(NL)
  }

  private finish (): Buffer {
    const msg = Buffer.concat(this.parts)
    this.parts = []
    return msg
  }
}

/** All messages of an mbox held in memory. */
export function splitMbox (mbox: Buffer, opts: MboxOptions = {}): Buffer[] {
  const s = new MboxSplitter(opts)
  return [...s.push(mbox), ...s.end()]
}

/** Messages of an mbox file, streamed: memory stays at about one message plus one chunk. */
export async function * readMbox (path: string, opts: MboxOptions = {}): AsyncGenerator<Buffer> {
  const s = new MboxSplitter({ source: path, ...opts })
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    yield * s.push(chunk as Buffer)
  }
  yield * s.end()
}
