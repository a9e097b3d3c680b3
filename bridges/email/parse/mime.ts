import { convertBin } from './charset.js'

/**
 * The MIME layer of `git mailinfo`: byte strings, header lines and their
 * folding, RFC 2047 encoded words, Content-Type/Content-Transfer-Encoding
 * and the multipart boundary stack, and transfer decoding.
 *
 * git does "just enough MIME to grok patches": one line at a time, with C
 * string semantics (a NUL ends a header value) and its own ctype. We mirror
 * that, not RFC 2045, because the output must match git byte for byte.
 *
 * Text is handled as byte strings: one JS char per byte (latin1), so slicing,
 * searching and lengths are byte-exact and cheap.
 */
export type Bin = string

export const toBin = (buf: Buffer): Bin => buf.toString('latin1')
export const fromBin = (bin: Bin): Buffer => Buffer.from(bin, 'latin1')
export const binToText = (bin: Bin): string => fromBin(bin).toString('utf8')

/** git's isspace(): only space, tab, LF and CR (not VT or FF). */
export function isSpace (code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13
}

/** The C string view: everything before the first NUL. */
export function cstr (bin: Bin): Bin {
  const nul = bin.indexOf('\0')
  return nul === -1 ? bin : bin.slice(0, nul)
}

function rtrim (bin: Bin): Bin {
  let end = bin.length
  while (end > 0 && isSpace(bin.charCodeAt(end - 1))) end--
  return end === bin.length ? bin : bin.slice(0, end)
}

export function trim (bin: Bin): Bin {
  const r = rtrim(bin)
  let start = 0
  while (start < r.length && isSpace(r.charCodeAt(start))) start++
  return start === 0 ? r : r.slice(start)
}

/** git's cleanup_space(): every run of whitespace becomes one space. */
export function cleanupSpace (bin: Bin): Bin {
  return bin.replace(/[ \t\n\r]+/g, ' ')
}

/** Case-insensitive (ASCII) prefix test, like git's skip_iprefix(). */
function startsWithCi (bin: Bin, prefix: string, at = 0): boolean {
  if (bin.length - at < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) {
    let a = bin.charCodeAt(at + i)
    let b = prefix.charCodeAt(i)
    if (a >= 65 && a <= 90) a += 32
    if (b >= 65 && b <= 90) b += 32
    if (a !== b) return false
  }
  return true
}

/** strcasestr(): ASCII case-insensitive search. */
function indexOfCi (bin: Bin, needle: string): number {
  const first = needle.charCodeAt(0) | 0x20
  for (let i = 0; i + needle.length <= bin.length; i++) {
    if ((bin.charCodeAt(i) | 0x20) === first && startsWithCi(bin, needle, i)) return i
  }
  return -1
}

/** Reads a byte string line by line the way git's strbuf_getline_lf() and friends do. */
export class LineReader {
  pos = 0
  constructor (readonly src: Bin) {}

  /** Next byte without consuming it; -1 at EOF. */
  peek (): number {
    return this.pos < this.src.length ? this.src.charCodeAt(this.pos) : -1
  }

  /** A line with its LF (the last may lack it), or null at EOF. */
  wholeLine (): Bin | null {
    if (this.pos >= this.src.length) return null
    const nl = this.src.indexOf('\n', this.pos)
    const end = nl === -1 ? this.src.length : nl + 1
    const line = this.src.slice(this.pos, end)
    this.pos = end
    return line
  }

  /** A line without its LF, or null at EOF. */
  lineLf (): Bin | null {
    const line = this.wholeLine()
    if (line === null) return null
    return line.endsWith('\n') ? line.slice(0, -1) : line
  }

  /** Skips leading whitespace; false when only whitespace was left. */
  skipSpace (): boolean {
    while (this.pos < this.src.length && isSpace(this.src.charCodeAt(this.pos))) this.pos++
    return this.pos < this.src.length
  }
}

/** RFC 2822 field name (ftext) up to a colon, or an mbox `From ` line. */
function isRfc2822Header (line: Bin): boolean {
  if (line.startsWith('From ') || line.startsWith('>From ')) return true
  for (let i = 0; i < line.length; i++) {
    const ch = line.charCodeAt(i)
    if (ch === 58) return true
    if ((ch >= 33 && ch <= 57) || (ch >= 59 && ch <= 126)) continue
    return false
  }
  return false
}

/**
 * One header with its continuation lines unfolded (git's read_one_header_line):
 * `header` false means the line (rtrimmed, LF re-added) starts the body;
 * `line` null means EOF.
 */
export function readHeaderLine (r: LineReader): { header: true, line: Bin } | { header: false, line: Bin | null } {
  const first = r.lineLf()
  if (first === null) return { header: false, line: null }
  let line = rtrim(first)
  if (line === '' || !isRfc2822Header(line)) return { header: false, line: line + '\n' }
  for (;;) {
    const peek = r.peek()
    if (peek !== 32 && peek !== 9) break
    const cont = r.lineLf()
    if (cont === null) break
    line += rtrim(' ' + cont.slice(1))
  }
  return { header: true, line }
}

/** The value of header `name` in `line` (leading space skipped), or null. */
export function headerValue (line: Bin, name: string): Bin | null {
  if (!startsWithCi(line, name) || line.charCodeAt(name.length) !== 58) return null
  let i = name.length + 1
  while (i < line.length && isSpace(line.charCodeAt(i))) i++
  return line.slice(i)
}

const HEX = new Int8Array(256).fill(-1)
for (let i = 0; i < 10; i++) HEX[48 + i] = i
for (let i = 0; i < 6; i++) { HEX[65 + i] = 10 + i; HEX[97 + i] = 10 + i }

function hex2 (bin: Bin, at: number): number {
  const hi = HEX[bin.charCodeAt(at) & 0xff] ?? -1
  const lo = HEX[bin.charCodeAt(at + 1) & 0xff] ?? -1
  if (at + 1 >= bin.length || hi < 0 || lo < 0) return -1
  return (hi << 4) | lo
}

/**
 * Quoted-printable (git's decode_q_segment): `=XX` decodes, a bad escape stays
 * literal, `=` at the end of the text or before LF ends it (soft break), and
 * in RFC 2047 words `_` is a space.
 */
function decodeQ (seg: Bin, rfc2047: boolean): Bin {
  const s = cstr(seg)
  let out = ''
  let run = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 61) {
      if (i + 1 >= s.length || s.charCodeAt(i + 1) === 10) return out + s.slice(run, i)
      const ch = hex2(s, i + 1)
      if (ch >= 0) {
        out += s.slice(run, i) + String.fromCharCode(ch)
        i += 2
        run = i + 1
      }
    } else if (rfc2047 && c === 95) {
      out += s.slice(run, i) + ' '
      run = i + 1
    }
  }
  return out + s.slice(run)
}

const B64 = new Int8Array(256).fill(-1)
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((ch, i) => { B64[ch.charCodeAt(0)] = i })

/**
 * Base64 (git's decode_b_segment): anything outside the alphabet (padding,
 * LF, garbage) is skipped and a trailing partial quantum is dropped. Each call
 * starts afresh, so bodies decode line by line exactly like git.
 */
function decodeB (seg: Bin): Bin {
  const s = cstr(seg)
  const out = Buffer.allocUnsafe(Math.ceil(s.length * 3 / 4) + 3)
  let n = 0
  let pos = 0
  let acc = 0
  for (let i = 0; i < s.length; i++) {
    const c = B64[s.charCodeAt(i)] ?? -1
    if (c < 0) continue
    switch (pos++) {
      case 0: acc = c << 2; break
      case 1: out[n++] = acc | (c >> 4); acc = (c & 15) << 4; break
      case 2: out[n++] = acc | (c >> 2); acc = (c & 3) << 6; break
      default: out[n++] = acc | c; acc = 0; pos = 0
    }
  }
  return out.toString('latin1', 0, n)
}

/**
 * RFC 2047 encoded words in a header value (git's decode_header): words are
 * decoded and converted to `target`; whitespace between two words is dropped.
 * `ok` is false (value untouched) for a malformed word or a failed conversion.
 */
export function decodeHeader (value: Bin, target: string | null): { value: Bin, ok: boolean } {
  const it = cstr(value)
  const fail = { value: it, ok: false }
  let out = ''
  let pos = 0
  for (;;) {
    let ep = it.indexOf('=?', pos)
    if (ep === -1) break
    if (pos !== ep) {
      let scan = pos
      while (scan < ep && isSpace(it.charCodeAt(scan))) scan++
      // Keep text before a word, except LWS between two words.
      if (scan !== ep || pos === 0) out += it.slice(pos, ep)
    }
    ep += 2
    if (ep >= it.length) return fail
    const cp = it.indexOf('?', ep)
    if (cp === -1 || cp + 3 > it.length || it.charCodeAt(cp + 2) !== 63) return fail
    const end = it.indexOf('?=', cp + 3)
    if (end === -1) return fail
    const piece = it.slice(cp + 3, end)
    const encoding = it.charAt(cp + 1).toLowerCase()
    let dec: Bin
    if (encoding === 'b') dec = decodeB(piece)
    else if (encoding === 'q') dec = decodeQ(piece, true)
    else return fail
    const conv = convertBin(dec, it.slice(ep, cp), target)
    if (conv === null) return fail
    out += conv
    pos = end + 2
  }
  return { value: out + it.slice(pos), ok: true }
}

/**
 * A Content-Type attribute (git's slurp_attr): found anywhere, case-insensitively;
 * quoted up to the next quote, else up to `;`, space or tab. null when absent.
 */
function slurpAttr (line: Bin, name: string): Bin | null {
  const at = indexOfCi(line, name)
  if (at === -1) return null
  let start = at + name.length
  let stops = '; \t'
  if (line.charCodeAt(start) === 34) {
    start++
    stops = '"'
  }
  let end = start
  while (end < line.length && !stops.includes(line.charAt(end))) end++
  return line.slice(start, end)
}

type TransferEncoding = 'none' | 'base64' | 'qp'

/** The git mailinfo view of MIME structure: one boundary stack, one current part. */
export class MimeState {
  /** "--boundary" strings; git allows 4 nested (MAX_BOUNDARIES 5 with a sentinel). */
  readonly boundaries: Bin[] = []
  charset: Bin = ''
  transfer: TransferEncoding = 'none'
  formatFlowed = false
  delsp = false

  /** Returns an error message when the boundary stack overflows. */
  contentType (value: Bin): string | null {
    this.formatFlowed = (slurpAttr(value, 'format=') ?? '').toLowerCase() === 'flowed'
    this.delsp = (slurpAttr(value, 'delsp=') ?? '').toLowerCase() === 'yes'
    const boundary = slurpAttr(value, 'boundary=')
    if (boundary !== null) {
      if (this.boundaries.length >= 4) return 'Too many boundaries to handle'
      this.boundaries.push('--' + boundary)
    }
    this.charset = slurpAttr(value, 'charset=') ?? ''
    return null
  }

  transferEncoding (value: Bin): void {
    if (indexOfCi(value, 'base64') !== -1) this.transfer = 'base64'
    else if (indexOfCi(value, 'quoted-printable') !== -1) this.transfer = 'qp'
    else this.transfer = 'none'
  }

  get top (): Bin | undefined {
    return this.boundaries[this.boundaries.length - 1]
  }

  isBoundary (line: Bin): boolean {
    const top = this.top
    return top !== undefined && line.startsWith(top)
  }

  /** A boundary line that closes the current multipart (`--boundary--`). */
  isEndBoundary (line: Bin): boolean {
    const top = this.top
    return top !== undefined && line.length >= top.length + 2 && line.startsWith('--', top.length)
  }

  /** A new part starts: back to 7bit, no charset. */
  resetPart (): void {
    this.transfer = 'none'
    this.charset = ''
  }

  decodeTransfer (line: Bin): Bin {
    if (this.transfer === 'qp') return decodeQ(line, false)
    if (this.transfer === 'base64') return decodeB(line)
    return line
  }
}
