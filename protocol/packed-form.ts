import { isUtf8 } from 'node:buffer'

/*
 * Whether msgpack bytes are exactly what codec.ts's pack writes for the value
 * they decode to, proven by reading the bytes once instead of packing the
 * value again and comparing (0.64 against about 1.1 µs for a 1 KB note). pack writes the smallest header for every integer, string, binary,
 * list and map; a number that is not a 32-bit integer as float64; map keys as
 * strings in Object.keys order. So the bytes are in that form when every
 * header is the smallest, every string is valid UTF-8 (the decoder turns
 * anything else into U+FFFD), no float64 holds NaN or a 32-bit integer, and
 * every map key is a string, unique, not `__proto__` (which the decoder
 * does not keep as a key), and not a number (Object.keys puts those first).
 *
 * The proof only says yes when it is sure: ext types, float32, 64-bit
 * integers and anything it does not know are NOT_PROVEN, and the caller
 * packs again (event.ts), so what is accepted never changes
 * (test/protocol/packed-form.test.ts checks it against packing again).
 */

/** The value could not be proven to be in pack's form (it may still be). */
export const NOT_PROVEN = -1

/** Deeper than any event needs (limits.ts allows 64 in a body): past it, pack again. */
const MAX_DEPTH = 100
/** Bytes after the type byte that hold a length or value, for types 0xc0.. (nil, bools, ...: 0). */
const ARGUMENT_BYTES = Uint8Array.of(0, 0, 0, 0, 1, 2, 4, 0, 0, 0, 0, 8, 1, 2, 4, 0, 1, 2, 4, 0, 0, 0, 0, 0, 0, 1, 2, 4, 2, 4, 2, 4)
/** Map keys compared pairwise up to this many, through a Set beyond. */
const PAIRWISE_KEYS = 8

/** Where the value starting at `at` ends, when it is proven to be in pack's form; NOT_PROVEN otherwise. */
export function packedValueEnd (b: Uint8Array, at: number, depth = 0): number {
  if (at >= b.byteLength || depth > MAX_DEPTH) return NOT_PROVEN
  const t = b[at] as number
  if (t < 0x80 || t >= 0xe0) return at + 1 // fixints
  if (t < 0x90) return mapEnd(b, at + 1, t & 0x0f, depth)
  if (t < 0xa0) return listEnd(b, at + 1, t & 0x0f, depth)
  if (t < 0xc0) return stringEnd(b, at + 1, t & 0x1f)
  if (at + 1 + (ARGUMENT_BYTES[t - 0xc0] as number) > b.byteLength) return NOT_PROVEN
  const u8 = b[at + 1] as number // the argument, read as the type needs it
  switch (t) {
    case 0xc0: case 0xc2: case 0xc3: return at + 1 // nil, false, true
    case 0xc4: return bytesEnd(b, at + 2, u8)
    case 0xc5: return u16(b, at + 1) >= 0x100 ? bytesEnd(b, at + 3, u16(b, at + 1)) : NOT_PROVEN
    case 0xc6: return u32(b, at + 1) >= 0x10000 ? bytesEnd(b, at + 5, u32(b, at + 1)) : NOT_PROVEN
    case 0xcb: {
      const v = float64(b, at + 1)
      return Number.isNaN(v) || v >>> 0 === v || v >> 0 === v ? NOT_PROVEN : at + 9
    }
    case 0xcc: return u8 >= 0x80 ? at + 2 : NOT_PROVEN
    case 0xcd: return u16(b, at + 1) >= 0x100 ? at + 3 : NOT_PROVEN
    case 0xce: return u32(b, at + 1) >= 0x10000 ? at + 5 : NOT_PROVEN
    case 0xd0: return u8 >= 0x80 && u8 - 0x100 < -0x20 ? at + 2 : NOT_PROVEN
    case 0xd1: return u16(b, at + 1) >= 0x8000 && u16(b, at + 1) - 0x10000 < -0x80 ? at + 3 : NOT_PROVEN
    case 0xd2: return u32(b, at + 1) >= 0x80000000 && u32(b, at + 1) - 0x100000000 < -0x8000 ? at + 5 : NOT_PROVEN
    case 0xd9: return u8 >= 0x20 ? stringEnd(b, at + 2, u8) : NOT_PROVEN
    case 0xda: return u16(b, at + 1) >= 0x100 ? stringEnd(b, at + 3, u16(b, at + 1)) : NOT_PROVEN
    case 0xdb: return u32(b, at + 1) >= 0x10000 ? stringEnd(b, at + 5, u32(b, at + 1)) : NOT_PROVEN
    case 0xdc: return u16(b, at + 1) >= 0x10 ? listEnd(b, at + 3, u16(b, at + 1), depth) : NOT_PROVEN
    case 0xdd: return u32(b, at + 1) >= 0x10000 ? listEnd(b, at + 5, u32(b, at + 1), depth) : NOT_PROVEN
    case 0xde: return u16(b, at + 1) >= 0x10 ? mapEnd(b, at + 3, u16(b, at + 1), depth) : NOT_PROVEN
    case 0xdf: return u32(b, at + 1) >= 0x10000 ? mapEnd(b, at + 5, u32(b, at + 1), depth) : NOT_PROVEN
    default: return NOT_PROVEN // ext types, float32, 64-bit integers, 0xc1
  }
}

/** Scratch for float64: a DataView per number cost more than the rest of a payload's proof. */
const F64 = new Float64Array(1)
const F64_BYTES = new Uint8Array(F64.buffer)
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

function float64 (b: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) F64_BYTES[LITTLE_ENDIAN ? 7 - i : i] = b[at + i] as number
  return F64[0] as number
}

function u16 (b: Uint8Array, at: number): number {
  return (b[at] as number) * 0x100 + (b[at + 1] as number)
}

function u32 (b: Uint8Array, at: number): number {
  return u16(b, at) * 0x10000 + u16(b, at + 2)
}

function bytesEnd (b: Uint8Array, at: number, length: number): number {
  return at + length <= b.byteLength ? at + length : NOT_PROVEN
}

function stringEnd (b: Uint8Array, at: number, length: number): number {
  const end = at + length
  if (end > b.byteLength) return NOT_PROVEN
  if (length <= 32) { // short strings (keys, mostly): ASCII is valid UTF-8 without a call into C++
    let i = at
    while (i < end && (b[i] as number) < 0x80) i++
    if (i === end) return end
  }
  return isUtf8(b.subarray(at, end)) ? end : NOT_PROVEN
}

function listEnd (b: Uint8Array, at: number, count: number, depth: number): number {
  for (let i = 0; i < count && at !== NOT_PROVEN; i++) at = packedValueEnd(b, at, depth + 1)
  return at
}

/** fixstr "__proto__". */
const PROTO = Uint8Array.of(0xa9, ...Buffer.from('__proto__'))

/** Whether b[at, at + x.byteLength) holds x. */
export function holdsAt (b: Uint8Array, at: number, x: Uint8Array): boolean {
  if (at + x.byteLength > b.byteLength) return false
  for (let i = 0; i < x.byteLength; i++) if (b[at + i] !== x[i]) return false
  return true
}

function sameRange (b: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false
  for (let i = 0; i < e1 - s1; i++) if (b[s1 + i] !== b[s2 + i]) return false
  return true
}

function mapEnd (b: Uint8Array, at: number, count: number, depth: number): number {
  const keys: number[] = [] // start, end of each key so far
  const seen = count > PAIRWISE_KEYS ? new Set<string>() : null
  for (let i = 0; i < count; i++) {
    const t = b[at]
    if (t === undefined || !((t >= 0xa0 && t < 0xc0) || t === 0xd9 || t === 0xda || t === 0xdb)) return NOT_PROVEN
    const keyEnd = packedValueEnd(b, at, depth + 1)
    if (keyEnd === NOT_PROVEN) return NOT_PROVEN
    const textAt = at + (t < 0xc0 ? 1 : t === 0xd9 ? 2 : t === 0xda ? 3 : 5)
    const first = b[textAt] as number
    if (textAt < keyEnd && first >= 0x30 && first <= 0x39) return NOT_PROVEN // a digit: maybe an array index, which Object.keys puts first
    if (keyEnd - at === PROTO.byteLength && holdsAt(b, at, PROTO)) return NOT_PROVEN
    if (seen !== null) {
      const key = Buffer.from(b.buffer, b.byteOffset + at, keyEnd - at).toString('latin1')
      if (seen.has(key)) return NOT_PROVEN
      seen.add(key)
    } else {
      for (let k = 0; k < keys.length; k += 2) if (sameRange(b, keys[k] as number, keys[k + 1] as number, at, keyEnd)) return NOT_PROVEN
      keys.push(at, keyEnd)
    }
    at = packedValueEnd(b, keyEnd, depth + 1)
    if (at === NOT_PROVEN) return NOT_PROVEN
  }
  return at
}
