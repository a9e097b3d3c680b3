import { unpackExact } from './codec.js'
import { CairnError } from './errors.js'
import type { Signed } from './event.js'

/**
 * A hypercore block is a batch of signed events appended together, up to
 * this size: replication costs per block, not per byte (a block synced costs
 * the receiving node seven or eight synchronous RocksDB reads on its main
 * thread, about 45 µs each here, and a merkle proof), so a feed in 1 MB
 * blocks syncs at 24,055 events/s against 21,407 in 64 KB blocks
 * (BENCHMARKS.md, "Blocks of 1 MB"). Readers take blocks of any size (an
 * event larger than this is a block of its own) and bound what they hold by
 * bytes (node/views/indexer.ts).
 */
export const MAX_BLOCK_BYTES = 1024 * 1024

/**
 * msgpack of `[{ payload, sig }, ...]`, written directly: the same bytes
 * pack() gives (a test holds them equal) without building the objects and
 * copying every payload twice.
 */
export function encodeBlock (events: readonly Signed[]): Uint8Array {
  let size = 5
  for (const e of events) size += ENTRY_OVERHEAD + binHeader(e.payload.byteLength) + e.payload.byteLength + binHeader(e.sig.byteLength) + e.sig.byteLength
  const out = Buffer.allocUnsafe(size)
  let at = writeArrayHeader(out, events.length)
  for (const { payload, sig } of events) {
    at = out.writeUInt8(0x82, at) // a map of two entries
    at += out.write('\xa7payload', at, 'latin1')
    at = writeBin(out, at, payload)
    at += out.write('\xa3sig', at, 'latin1')
    at = writeBin(out, at, sig)
  }
  return out.subarray(0, at)
}

/** The map marker and the two keys' bytes: 0x82, fixstr "payload", fixstr "sig". */
const ENTRY_OVERHEAD = 1 + 8 + 4

function binHeader (length: number): number {
  return length < 0x100 ? 2 : length < 0x10000 ? 3 : 5
}

function writeBin (out: Buffer, at: number, bytes: Uint8Array): number {
  const n = bytes.byteLength
  if (n < 0x100) at = out.writeUInt8(n, out.writeUInt8(0xc4, at))
  else if (n < 0x10000) at = out.writeUInt16BE(n, out.writeUInt8(0xc5, at))
  else at = out.writeUInt32BE(n, out.writeUInt8(0xc6, at))
  out.set(bytes, at)
  return at + n
}

function writeArrayHeader (out: Buffer, n: number): number {
  if (n < 16) return out.writeUInt8(0x90 | n, 0)
  if (n < 0x10000) return out.writeUInt16BE(n, out.writeUInt8(0xdc, 0))
  return out.writeUInt32BE(n, out.writeUInt8(0xdd, 0))
}

/**
 * Split a block into its (still unverified) signed events. A block that is
 * not a msgpack list is rejected whole (DECODE / MALFORMED); each element is
 * checked later by openEvent, so one bad event does not hide its neighbours.
 */
export function decodeBlock (block: Uint8Array): unknown[] {
  const value = unpackExact(block, 'block')
  if (!Array.isArray(value)) throw new CairnError('MALFORMED', 'block is not a list of signed events')
  return value
}

/** Group signed events into blocks of at most MAX_BLOCK_BYTES (an event larger than that gets a block of its own). */
export function batchIntoBlocks (events: readonly Signed[]): Uint8Array[] {
  const blocks: Uint8Array[] = []
  let current: Signed[] = []
  let size = 0
  for (const e of events) {
    const cost = e.payload.byteLength + e.sig.byteLength + 24
    if (current.length > 0 && size + cost > MAX_BLOCK_BYTES) {
      blocks.push(encodeBlock(current))
      current = []
      size = 0
    }
    current.push(e)
    size += cost
  }
  if (current.length > 0) blocks.push(encodeBlock(current))
  return blocks
}
