import { decodeBlock } from '../../protocol/block.js'
import { eventId } from '../../protocol/event.js'
import type { Signed } from '../../protocol/event.js'
import { toHex } from '../../protocol/hex.js'
import type { CairnNode } from '../node.js'
import type { IndexedEvent } from '../views/views.js'

interface SignedHex { payload: string, sig: string, index: number }

/**
 * The exact signed bytes of an indexed event, read back from the block it was
 * indexed from, so a client can check the signature and the id itself
 * instead of trusting this node. Null when the block is no longer readable.
 */
export async function signedBytes (node: CairnNode, event: IndexedEvent): Promise<SignedHex | null> {
  const core = node.coreForMaybe(event.feed)
  if (core === null) return null
  const block = await core.get(event.seq, { wait: false })
  if (block === null) return null
  const items = decodeBlock(block)
  for (let index = 0; index < items.length; index++) {
    const s = items[index] as Partial<Signed> | null
    if (!(s?.payload instanceof Uint8Array) || !(s.sig instanceof Uint8Array)) continue
    const signed = { payload: s.payload, sig: s.sig }
    if (eventId(signed, node.crypto) === event.id) return { payload: toHex(signed.payload), sig: toHex(signed.sig), index }
  }
  return null
}
