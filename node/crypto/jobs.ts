import { batchIntoBlocks, decodeBlock } from '../../protocol/block.js'
import type { Crypto } from '../../protocol/crypto.js'
import { isCairnError } from '../../protocol/errors.js'
import { eventId, readEvent, sealPayload } from '../../protocol/event.js'
import type { CairnEvent, Draft, Signed } from '../../protocol/event.js'
import type { EventType } from '../../protocol/schemas.js'
import type { IndexedEvent, Rejection } from '../views/views.js'

/** The two CPU-bound jobs, as pure functions: run inline or in a worker with the same result (and a ping: is the worker loaded?). */
export type Job =
  | { op: 'open', block: Uint8Array, feed: string, seq: number }
  | { op: 'reopen', block: Uint8Array, feed: string, seq: number }
  | { op: 'seal', payloads: PackedPayloads, secretKey: Uint8Array }
  | { op: 'ping' }

/**
 * Encoded payloads laid end to end in one buffer of their own, so a chunk
 * crosses to a worker as one transferred buffer rather than as drafts to
 * clone and encode there.
 */
export interface PackedPayloads { bytes: Uint8Array, ends: number[] }

/**
 * A block's events as the views keep them (with feed and seq), and what was
 * rejected; `bodies`: where each event's body lies in the block, [start,
 * end) as signed (null: not found, the views pack it again).
 */
export interface OpenedBlock {
  events: IndexedEvent[]
  rejected: Rejection[]
  bodies: Array<[number, number] | null>
}

/** Where the body that starts at `start` of `payload` lies in `block` (payload a view into the block, as decodeBlock gives). */
function bodyIn (block: Uint8Array, payload: Uint8Array, start: number | null): [number, number] | null {
  if (start === null || payload.buffer !== block.buffer) return null
  const at = payload.byteOffset - block.byteOffset
  return [at + start, at + payload.byteLength]
}

/**
 * Sealed payloads, compactly: the blocks to append and each event's id. The
 * caller still holds the drafts, so bodies never cross back from a worker.
 */
export interface SignedBatch { blocks: Uint8Array[], ids: string[] }

/** Decode block `seq` of `feed` and check every event in it; one bad event does not hide its neighbours. */
export function openBlock (block: Uint8Array, feed: string, seq: number, crypto: Crypto): OpenedBlock {
  const out: OpenedBlock = { events: [], rejected: [], bodies: [] }
  let items: unknown[]
  try {
    items = decodeBlock(block)
  } catch (err) {
    if (!isCairnError(err)) throw err
    out.rejected.push({ feed, seq, code: err.code, reason: err.message })
    return out
  }
  items.forEach((item, index) => {
    try {
      const opened = readEvent(item, crypto, true)
      const event = opened.event as IndexedEvent
      event.feed = feed
      event.seq = seq
      out.events.push(event)
      out.bodies.push(bodyIn(block, (item as Signed).payload, opened.bodyStart))
    } catch (err) {
      if (!isCairnError(err)) throw err // a bug of ours, not bad input: let it surface
      out.rejected.push({ feed, seq, index, code: err.code, reason: err.message })
    }
  })
  return out
}

/**
 * openBlock without checking signatures, for a block this node verified or
 * signed itself: its events except those `rejected` named, with feed and
 * seq, and where their bodies lie.
 * The caller must match the EventIds against the ones it knows (they cover
 * payload and signature); it throws CairnError on bytes that do not decode.
 */
export function reopenBlock (block: Uint8Array, feed: string, seq: number, rejected: readonly Rejection[], crypto: Crypto): Omit<OpenedBlock, 'rejected'> {
  const out: Omit<OpenedBlock, 'rejected'> = { events: [], bodies: [] }
  const skip = new Set<number | undefined>(rejected.filter((r) => r.seq === seq).map((r) => r.index))
  if (skip.has(undefined)) return out // the whole block was rejected
  decodeBlock(block).forEach((item, index) => {
    if (skip.has(index)) return
    const opened = readEvent(item, crypto, false)
    const event = opened.event as IndexedEvent
    event.feed = feed
    event.seq = seq
    out.events.push(event)
    out.bodies.push(bodyIn(block, (item as Signed).payload, opened.bodyStart))
  })
  return out
}

export function packPayloads (payloads: readonly Uint8Array[]): PackedPayloads {
  let total = 0
  for (const p of payloads) total += p.byteLength
  const bytes = new Uint8Array(total) // its own ArrayBuffer: safe to transfer
  const ends: number[] = []
  let at = 0
  for (const p of payloads) {
    bytes.set(p, at)
    at += p.byteLength
    ends.push(at)
  }
  return { bytes, ends }
}

/** Sign each payload and pack the signed events into blocks. */
export function sealPayloads ({ bytes, ends }: PackedPayloads, secretKey: Uint8Array, crypto: Crypto): SignedBatch {
  const signed: Signed[] = []
  const ids: string[] = []
  let start = 0
  for (const end of ends) {
    const s = sealPayload(bytes.subarray(start, end), secretKey, crypto)
    signed.push(s)
    ids.push(eventId(s, crypto))
    start = end
  }
  return { blocks: batchIntoBlocks(signed), ids }
}

/** The events a SignedBatch holds, from the drafts it was encoded from (in order) and their timestamps. */
export function signedEvents (drafts: ReadonlyArray<Draft<EventType>>, ts: readonly number[], ids: readonly string[], author: string): CairnEvent[] {
  return drafts.map((d, i) => ({ id: ids[i] as string, type: d.type, author, ts: ts[i] as number, refs: [...(d.refs ?? [])], body: d.body }))
}
