/**
 * Canonical encoding for hashing (build identities, test-run identities).
 *
 * Byte format: canonical JSON in the style of RFC 8785 (JCS), restricted so
 * that every accepted value has exactly one encoding and no two distinct
 * values share one:
 *
 *   null, true, false    the JSON literals
 *   integer              shortest decimal, '-' for negatives, no '+', no
 *                        leading zeros, -0 is 0. JS numbers must be safe
 *                        integers; a bigint in the safe range encodes like
 *                        the number (5n === 5). Floats, NaN, Infinity and
 *                        larger bigints are rejected (CANONICAL): they have
 *                        no single portable decimal form.
 *   string               NFC-normalised, then '"' UTF-8 '"' where only '"',
 *                        '\' and U+0000..U+001F are escaped: \b \t \n \f \r
 *                        short forms, the rest as \u00XX (lowercase hex),
 *                        exactly as JCS. Lone surrogates are rejected.
 *   Uint8Array (bytes)   {"$bytes":"<lowercase hex>"}; an input object whose
 *                        only key is "$bytes" is rejected, so this cannot
 *                        collide with a real object.
 *   array                '[' items joined by ',' ']'; undefined items rejected
 *   object               '{' "key":value joined by ',' '}', keys NFC-normalised
 *                        and sorted by their UTF-8 bytes (which is code point
 *                        order; JCS sorts UTF-16 units, which differs only for
 *                        keys mixing U+E000..U+FFFF with astral characters).
 *                        Properties whose value is undefined are left out, so
 *                        an absent optional field and `undefined` hash alike.
 *                        Two keys equal after NFC are rejected.
 *
 * No whitespace anywhere. Only plain objects (prototype Object.prototype or
 * null) are accepted; Map, Date, class instances, functions, symbols, cycles
 * are rejected with CANONICAL naming the path to the bad value ($.a[2].b).
 * The output is valid JSON (JSON.parse works on it), handy when debugging an
 * identity.
 *
 * This file also holds the nix-base32 printer, because protocol/ imports
 * nothing else of ours and identities are printed the way Nix prints hashes.
 */
import { createHash } from 'node:crypto'
import { CairnError } from './errors.js'

/** Values that can be canonically encoded. */
export type CanonicalValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined }

const BYTES_KEY = '$bytes'
const LONE_SURROGATE = /\p{Cs}/u
const HEX = '0123456789abcdef'

/** Canonical bytes of `value` (see the format above). Throws CairnError CANONICAL. */
export function canonicalEncode (value: CanonicalValue): Buffer {
  const parts: string[] = []
  encodeValue(value, '$', parts, new Set())
  return Buffer.from(parts.join(''), 'utf8')
}

/** sha256 of the canonical encoding. */
export function canonicalHash (value: CanonicalValue): Buffer {
  return createHash('sha256').update(canonicalEncode(value)).digest()
}

function fail (path: string, why: string): never {
  throw new CairnError('CANONICAL', `cannot canonically encode ${path}: ${why}`)
}

function encodeValue (value: unknown, path: string, out: string[], seen: Set<object>): void {
  if (value === null) { out.push('null'); return }
  switch (typeof value) {
    case 'boolean': out.push(value ? 'true' : 'false'); return
    case 'number':
      if (!Number.isSafeInteger(value)) fail(path, `${String(value)} is not a safe integer (floats, NaN and Infinity are not allowed)`)
      out.push(value === 0 ? '0' : String(value)) // String(-0) is '0' already; explicit for readers
      return
    case 'bigint':
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) fail(path, `bigint ${value} is outside the safe integer range`)
      out.push(value.toString())
      return
    case 'string': out.push(encodeString(value, path)); return
    case 'object': break
    default: fail(path, `a ${typeof value} cannot be encoded`)
  }
  const obj = value as object
  if (obj instanceof Uint8Array) {
    out.push(`{"${BYTES_KEY}":"${toHex(obj)}"}`)
    return
  }
  if (seen.has(obj)) fail(path, 'cycle')
  seen.add(obj)
  if (Array.isArray(obj)) {
    out.push('[')
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.push(',')
      const item: unknown = obj[i]
      if (item === undefined) fail(`${path}[${i}]`, 'undefined in an array (holes and undefined are not allowed)')
      encodeValue(item, `${path}[${i}]`, out, seen)
    }
    out.push(']')
  } else {
    encodeObject(obj, path, out, seen)
  }
  seen.delete(obj)
}

function encodeObject (obj: object, path: string, out: string[], seen: Set<object>): void {
  const proto: unknown = Object.getPrototypeOf(obj)
  if (proto !== Object.prototype && proto !== null) {
    fail(path, `only plain objects are allowed, got ${obj.constructor?.name ?? 'an exotic object'}`)
  }
  if (Object.getOwnPropertySymbols(obj).length > 0) fail(path, 'symbol keys are not allowed')
  const entries: Array<{ key: Buffer, text: string, value: unknown, raw: string }> = []
  for (const raw of Object.keys(obj)) {
    const value: unknown = (obj as Record<string, unknown>)[raw]
    if (value === undefined) continue
    const text = encodeString(raw, `${path} key ${JSON.stringify(raw)}`)
    entries.push({ key: Buffer.from(raw.normalize('NFC'), 'utf8'), text, value, raw })
  }
  if (entries.length === 1 && entries[0]?.key.toString() === BYTES_KEY) {
    fail(path, `an object whose only key is "${BYTES_KEY}" is reserved for byte strings`)
  }
  entries.sort((a, b) => Buffer.compare(a.key, b.key))
  out.push('{')
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as typeof entries[number]
    const prev = entries[i - 1]
    if (prev !== undefined && prev.key.equals(e.key)) {
      fail(path, `keys ${JSON.stringify(prev.raw)} and ${JSON.stringify(e.raw)} are equal after NFC normalisation`)
    }
    if (i > 0) out.push(',')
    out.push(e.text, ':')
    encodeValue(e.value, `${path}.${e.raw}`, out, seen)
  }
  out.push('}')
}

function encodeString (s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) fail(path, 'string holds a lone UTF-16 surrogate (not valid Unicode)')
  const n = s.normalize('NFC')
  let r = '"'
  let start = 0
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i)
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue
    r += n.slice(start, i) + escapeChar(c)
    start = i + 1
  }
  return r + n.slice(start) + '"'
}

function escapeChar (c: number): string {
  switch (c) {
    case 0x22: return '\\"'
    case 0x5c: return '\\\\'
    case 0x08: return '\\b'
    case 0x09: return '\\t'
    case 0x0a: return '\\n'
    case 0x0c: return '\\f'
    case 0x0d: return '\\r'
    default: return '\\u00' + HEX[c >> 4] + HEX[c & 15]
  }
}

function toHex (b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

// ---------------------------------------------------------------------------
// nix-base32, exactly as Nix prints hashes (libutil hash.cc).
//
// Nix's alphabet drops e, o, u, t. Its bit order is unusual: the last
// character holds the lowest 5 bits of byte 0, i.e. the hash is read as a
// little-endian number and printed most significant digit first. A 32-byte
// sha256 prints as 52 characters, a 20-byte store path digest as 32.

const NIX_BASE32_ALPHABET = '0123456789abcdfghijklmnpqrsvwxyz'

/** Number of nix-base32 characters for `size` bytes. */
function nixBase32Length (size: number): number {
  return Math.ceil((size * 8) / 5)
}

/** Print bytes (usually a hash) in nix-base32. */
export function nixBase32 (hash: Uint8Array): string {
  const len = nixBase32Length(hash.length)
  let s = ''
  for (let n = len - 1; n >= 0; n--) {
    const b = n * 5
    const i = b >> 3
    const j = b & 7
    const lo = (hash[i] ?? 0) >> j
    const hi = i + 1 < hash.length ? (hash[i + 1] ?? 0) << (8 - j) : 0
    s += NIX_BASE32_ALPHABET[(lo | hi) & 0x1f]
  }
  return s
}

/**
 * Parse nix-base32 back to bytes. The byte length is implied by the string
 * length (52 -> 32, 32 -> 20); strings that no byte length prints to, bad
 * characters, and non-zero padding bits are rejected with NIX_BASE32.
 */
export function nixBase32Decode (s: string): Buffer {
  const size = Math.floor((s.length * 5) / 8)
  if (nixBase32Length(size) !== s.length) {
    throw new CairnError('NIX_BASE32', `${JSON.stringify(s)} has a length (${s.length}) no byte string prints to`)
  }
  const out = Buffer.alloc(size)
  for (let n = 0; n < s.length; n++) {
    const ch = s[s.length - n - 1] as string
    const digit = NIX_BASE32_ALPHABET.indexOf(ch)
    if (digit < 0) throw new CairnError('NIX_BASE32', `${JSON.stringify(s)} holds ${JSON.stringify(ch)}, not a nix-base32 character`)
    const b = n * 5
    const i = b >> 3
    const j = b & 7
    out[i] = (out[i] as number) | ((digit << j) & 0xff)
    const carry = digit >> (8 - j)
    if (i + 1 < size) out[i + 1] = (out[i + 1] as number) | carry
    else if (carry !== 0) throw new CairnError('NIX_BASE32', `${JSON.stringify(s)} has non-zero padding bits`)
  }
  return out
}

/** True when `s` is well-formed nix-base32 of exactly `size` bytes. */
export function isNixBase32 (s: string, size: number): boolean {
  if (s.length !== nixBase32Length(size)) return false
  try { nixBase32Decode(s); return true } catch { return false }
}
