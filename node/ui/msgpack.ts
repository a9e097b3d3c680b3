/**
 * A small msgpack decoder for event payloads, so the page can show what was
 * signed rather than what the API says was signed. It reads the types cairn's
 * codec writes (maps, arrays, strings, binary, integers, floats, booleans,
 * nil); anything else is an error, and trailing bytes are an error.
 */
export function decodeMsgpack (bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const utf8 = new TextDecoder('utf-8', { fatal: true })
  let at = 0

  const need = (n: number): void => { if (at + n > bytes.byteLength) throw new Error(`msgpack: truncated at byte ${at}`) }
  const u8 = (): number => { need(1); return view.getUint8(at++) }
  const u16 = (): number => { need(2); const v = view.getUint16(at); at += 2; return v }
  const u32 = (): number => { need(4); const v = view.getUint32(at); at += 4; return v }
  const raw = (n: number): Uint8Array => { need(n); const v = bytes.subarray(at, at + n); at += n; return v }
  const str = (n: number): string => utf8.decode(raw(n))
  const big = (v: bigint): number => {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error('msgpack: integer beyond 2^53')
    return Number(v)
  }
  const arr = (n: number, depth: number): unknown[] => { const out: unknown[] = []; for (let i = 0; i < n; i++) out.push(value(depth + 1)); return out }
  const map = (n: number, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
    for (let i = 0; i < n; i++) {
      const k = value(depth + 1)
      if (typeof k !== 'string') throw new Error('msgpack: map key is not a string')
      out[k] = value(depth + 1)
    }
    return out
  }

  function value (depth: number): unknown {
    if (depth > 64) throw new Error('msgpack: nested too deeply')
    const t = u8()
    if (t <= 0x7f) return t
    if (t >= 0xe0) return t - 0x100
    if ((t & 0xf0) === 0x80) return map(t & 0x0f, depth)
    if ((t & 0xf0) === 0x90) return arr(t & 0x0f, depth)
    if ((t & 0xe0) === 0xa0) return str(t & 0x1f)
    switch (t) {
      case 0xc0: return null
      case 0xc2: return false
      case 0xc3: return true
      case 0xc4: return raw(u8()).slice()
      case 0xc5: return raw(u16()).slice()
      case 0xc6: return raw(u32()).slice()
      case 0xca: { need(4); const v = view.getFloat32(at); at += 4; return v }
      case 0xcb: { need(8); const v = view.getFloat64(at); at += 8; return v }
      case 0xcc: return u8()
      case 0xcd: return u16()
      case 0xce: return u32()
      case 0xcf: { need(8); const v = view.getBigUint64(at); at += 8; return big(v) }
      case 0xd0: { need(1); const v = view.getInt8(at); at += 1; return v }
      case 0xd1: { need(2); const v = view.getInt16(at); at += 2; return v }
      case 0xd2: { need(4); const v = view.getInt32(at); at += 4; return v }
      case 0xd3: { need(8); const v = view.getBigInt64(at); at += 8; return big(v) }
      case 0xd9: return str(u8())
      case 0xda: return str(u16())
      case 0xdb: return str(u32())
      case 0xdc: return arr(u16(), depth)
      case 0xdd: return arr(u32(), depth)
      case 0xde: return map(u16(), depth)
      case 0xdf: return map(u32(), depth)
      default: throw new Error(`msgpack: type 0x${t.toString(16)} at byte ${at - 1} is not one cairn writes`)
    }
  }

  const out = value(0)
  if (at !== bytes.byteLength) throw new Error(`msgpack: ${bytes.byteLength - at} trailing bytes`)
  return out
}
