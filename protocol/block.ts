import { pack, unpackExact } from './codec.js'
import { CairnError } from './errors.js'
import type { Signed } from './event.js'

/** A hypercore block is a batch of signed events appended together: per-block overhead dominates small blocks. */
export const MAX_BLOCK_BYTES = 64 * 1024

export function encodeBlock (events: readonly Signed[]): Uint8Array {
  return pack(events.map(({ payload, sig }) => ({ payload, sig })))
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
