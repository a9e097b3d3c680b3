import { batchIntoBlocks, decodeBlock } from '../protocol/block.js'
import type { Crypto, KeyPair } from '../protocol/crypto.js'
import { isCairnError } from '../protocol/errors.js'
import { openEvent, signEvent } from '../protocol/event.js'
import type { AnyEvent, CairnEvent, Draft } from '../protocol/event.js'
import type { EventType } from '../protocol/schemas.js'

/** The two CPU-bound jobs, as pure functions: run inline or in a worker with the same result. */
export type Job =
  | { op: 'open', block: Uint8Array }
  | { op: 'sign', drafts: Array<Draft<EventType>>, keyPair: KeyPair }

export interface OpenedBlock {
  events: Array<{ index: number, event: AnyEvent }>
  rejected: Array<{ index?: number, code: string, reason: string }>
}

export interface SignedBatch { blocks: Uint8Array[], events: CairnEvent[] }

/** Decode a block and check every event in it; one bad event does not hide its neighbours. */
export function openBlock (block: Uint8Array, crypto: Crypto): OpenedBlock {
  const out: OpenedBlock = { events: [], rejected: [] }
  let items: unknown[]
  try {
    items = decodeBlock(block)
  } catch (err) {
    if (!isCairnError(err)) throw err
    out.rejected.push({ code: err.code, reason: err.message })
    return out
  }
  items.forEach((item, index) => {
    try {
      out.events.push({ index, event: openEvent(item, crypto) })
    } catch (err) {
      if (!isCairnError(err)) throw err // a bug of ours, not bad input: let it surface
      out.rejected.push({ index, code: err.code, reason: err.message })
    }
  })
  return out
}

/** Sign drafts and pack them into blocks. Throws SCHEMA/UNKNOWN_TYPE before anything is signed. */
export function signDrafts (drafts: ReadonlyArray<Draft<EventType>>, keyPair: KeyPair, crypto: Crypto): SignedBatch {
  const signed = []
  const events: CairnEvent[] = []
  for (const draft of drafts) {
    const out = signEvent(draft, keyPair, crypto)
    signed.push(out.signed)
    events.push(out.event)
  }
  return { blocks: batchIntoBlocks(signed), events }
}
