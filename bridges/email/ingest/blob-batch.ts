import type { CairnNode } from '../../../node/node.js'
import { BLOB_BLOCK_BYTES } from '../../../node/storage/blobs.js'
import { toHex } from '../../../protocol/hex.js'
import type { BlobRef } from '../../../protocol/schemas.js'

/**
 * Store many blobs with one append to the node's blobs core. The layout is
 * exactly BlobStore.put's (64 KB blocks, ref = hash, core, first block,
 * length), so BlobStore.get reads them; one append instead of one per blob
 * is what makes ingest fast (3000 separate puts: about 1.2 s, one append of
 * the same blocks: about 0.1 s). `known` maps hashes already stored (by an
 * earlier run) to their refs, so the same content is stored once.
 */
export async function putBlobs (node: CairnNode, items: ReadonlyArray<{ data: Uint8Array, hash?: string }>, known: { get: (hash: string) => BlobRef | undefined, set: (hash: string, ref: BlobRef) => void }): Promise<BlobRef[]> {
  const core = node.blobCore
  const coreKey = toHex(core.key)
  const blocks: Uint8Array[] = []
  const pending: Array<{ at: number, hash: string, length: number }> = []
  const slots: Array<BlobRef | number> = []
  const batch = new Map<string, number>()
  for (const { data, hash: given } of items) {
    const hash = given ?? toHex(node.crypto.blake2b256(data))
    const stored = known.get(hash)
    if (stored !== undefined) { slots.push(stored); continue }
    const inBatch = batch.get(hash)
    if (inBatch !== undefined) { slots.push(inBatch); continue }
    batch.set(hash, pending.length)
    slots.push(pending.length)
    pending.push({ at: blocks.length, hash, length: data.byteLength })
    if (data.byteLength === 0) blocks.push(new Uint8Array(0))
    for (let at = 0; at < data.byteLength; at += BLOB_BLOCK_BYTES) blocks.push(data.subarray(at, at + BLOB_BLOCK_BYTES))
  }
  let refs: BlobRef[] = []
  if (blocks.length > 0) {
    const { length } = await core.append(blocks)
    const first = length - blocks.length // our blocks are the last ones appended, whatever came before
    refs = pending.map((p) => ({ hash: p.hash, core: coreKey, offset: first + p.at, length: p.length }))
    for (const ref of refs) known.set(ref.hash, ref)
  }
  return slots.map((s) => typeof s === 'number' ? refs[s] as BlobRef : s)
}
