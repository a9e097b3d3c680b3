import iconv from 'iconv-lite'

/**
 * Charset conversion with the failure semantics of git's reencode_string_len()
 * over glibc iconv: an unknown charset or an invalid byte sequence fails the
 * whole conversion (the caller then drops the text and flags an error),
 * instead of silently substituting U+FFFD.
 */

/** git's is_encoding_utf8(): only these two spellings skip conversion. */
function isUtf8Name (name: string): boolean {
  const l = name.toLowerCase()
  return l === 'utf-8' || l === 'utf8'
}

/** git's same_encoding(). */
function sameEncoding (a: string, b: string): boolean {
  return (isUtf8Name(a) && isUtf8Name(b)) || a.toLowerCase() === b.toLowerCase()
}

// Charsets that can legitimately encode U+FFFD, so its presence proves nothing.
const CAN_HOLD_FFFD = /^(utf|ucs|unicode|gb18030|cesu)/i

/** Bytes in `charset` to a JS string, or null where iconv would fail. */
function decodeCharset (bytes: Buffer, charset: string): string | null {
  if (isUtf8Name(charset)) return decodeStrict(bytes, 'utf-8')
  if (iconv.encodingExists(charset)) {
    const text = iconv.decode(bytes, charset)
    if (text.includes('\uFFFD') && !CAN_HOLD_FFFD.test(charset)) return null
    return text
  }
  // iconv-lite lacks a few (ISO-2022-JP); the WHATWG decoders have them.
  return decodeStrict(bytes, charset)
}

function decodeStrict (bytes: Buffer, label: string): string | null {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return null
  }
}

/** A JS string to bytes in `charset`, or null for an unknown charset or a character it lacks. */
function encodeCharset (text: string, charset: string): Buffer | null {
  if (isUtf8Name(charset)) return Buffer.from(text, 'utf8')
  if (!iconv.encodingExists(charset)) return null
  const out = iconv.encode(text, charset)
  // iconv-lite writes '?' for what the charset cannot hold; iconv fails.
  return iconv.decode(out, charset) === text ? out : null
}

const ASCII = Buffer.from(Array.from({ length: 128 }, (_, i) => i))
const asciiSafe = new Map<string, boolean>()

/** Does this (known, stateless) charset map 7-bit bytes to themselves, both ways? */
function isAsciiSafe (charset: string): boolean {
  let safe = asciiSafe.get(charset)
  if (safe === undefined) {
    const text = decodeCharset(ASCII, charset)
    safe = text === ASCII.toString('latin1') && encodeCharset(text, charset)?.equals(ASCII) === true
    asciiSafe.set(charset, safe)
  }
  return safe
}

/**
 * git's convert_to_utf8() on a byte string (one char per byte): no target or
 * no source charset means "leave as is"; null means the conversion failed.
 */
export function convertBin (bin: string, from: string, to: string | null): string | null {
  if (to === null || from === '' || sameEncoding(to, from)) return bin
  // Most lines of most mails are 7-bit: nothing to convert between ASCII supersets.
  if (!/[^\x00-\x7f]/.test(bin) && isAsciiSafe(from) && isAsciiSafe(to)) return bin
  const text = decodeCharset(Buffer.from(bin, 'latin1'), from)
  if (text === null) return null
  const out = encodeCharset(text, to)
  return out === null ? null : out.toString('latin1')
}
