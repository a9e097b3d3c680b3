import { batchIntoBlocks, decodeBlock } from '../protocol/block.js'
import type { Crypto, KeyPair } from '../protocol/crypto.js'
import { isCairnError } from '../protocol/errors.js'
import { openEvent, signEvent } from '../protocol/event.js'
import type { AnyEvent, CairnEvent, Draft } from '../protocol/event.js'
import type { EventType } from '../protocol/schemas.js'
import type { IndexedEvent, Rejection } from './views.js'

/** The two CPU-bound jobs, as pure functions: run inline or in a worker with the same result. */
export type Job =
  | { op: 'open', block: Uint8Array, feed: string, seq: number }
  | { op: 'sign', drafts: Array<Draft<EventType>>, keyPair: KeyPair }

/** A block's events as the views keep them (with feed and seq), and what was rejected. */
export interface OpenedBlock {
  events: IndexedEvent[]
  rejected: Rejection[]
}

/**
 * Signed drafts, compactly: the blocks to append and each event's id and ts.
 * The caller still holds the drafts, so bodies never cross back from a
 * worker (structured clone of the events cost more than hashing them).
 */
export interface SignedBatch { blocks: Uint8Array[], ids: string[], ts: number[] }

/** Decode block `seq` of `feed` and check every event in it; one bad event does not hide its neighbours. */
export function openBlock (block: Uint8Array, feed: string, seq: number, crypto: Crypto): OpenedBlock {
  const out: OpenedBlock = { events: [], rejected: [] }
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
      const event = openEvent(item, crypto) as IndexedEvent
      event.feed = feed
      event.seq = seq
      out.events.push(event)
    } catch (err) {
      if (!isCairnError(err)) throw err // a bug of ours, not bad input: let it surface
      out.rejected.push({ feed, seq, index, code: err.code, reason: err.message })
    }
  })
  return out
}

/** Sign drafts and pack them into blocks. Throws SCHEMA/UNKNOWN_TYPE before anything is signed. */
export function signDrafts (drafts: ReadonlyArray<Draft<EventType>>, keyPair: KeyPair, crypto: Crypto): SignedBatch {
  const signed = []
  const ids: string[] = []
  const ts: number[] = []
  for (const draft of drafts) {
    const out = signEvent(draft, keyPair, crypto)
    signed.push(out.signed)
    ids.push(out.event.id)
    ts.push(out.event.ts)
  }
  return { blocks: batchIntoBlocks(signed), ids, ts }
}

/** The events a SignedBatch holds, from the drafts it was signed from (in order). */
export function signedEvents (drafts: ReadonlyArray<Draft<EventType>>, batch: SignedBatch, author: string): CairnEvent[] {
  return drafts.map((d, i) => ({ id: batch.ids[i] as string, type: d.type, author, ts: batch.ts[i] as number, refs: [...(d.refs ?? [])], body: d.body }))
}
