const HEX = /^[0-9a-f]*$/

export function toHex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** Lowercase hex of exactly `bytes` bytes (when given) to bytes; null when it is not. */
export function fromHex (hex: string, bytes?: number): Uint8Array | null {
  if (hex.length % 2 !== 0 || !HEX.test(hex)) return null
  if (bytes !== undefined && hex.length !== bytes * 2) return null
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

export function isHex32 (s: unknown): s is string {
  return typeof s === 'string' && s.length === 64 && HEX.test(s)
}
