import type Hypercore from 'hypercore'
import type { Crypto } from '../../protocol/crypto.js'
import { CairnError } from '../../protocol/errors.js'
import { toHex } from '../../protocol/hex.js'
import type { BlobRef } from '../../protocol/schemas.js'

/** Blobs are cut in 64 KB blocks: large enough that per-block overhead is small, small enough to stream. */
export const BLOB_BLOCK_BYTES = 64 * 1024

/**
 * Content-addressed blobs (diffs, logs, raw mails) in a node's `blobs` core.
 * A BlobRef names the content hash (blake2b-256) and where it lives: core
 * key, first block, byte length. Reading checks the hash, so a blob fetched
 * from any peer is exactly what was referenced.
 */
export class BlobStore {
  constructor (
    private readonly own: Hypercore,
    private readonly crypto: Crypto,
    private readonly open: (key: string) => Hypercore,
    /** hash -> ref for blobs already stored here, so the same content is stored once */
    private readonly known: Map<string, BlobRef>
  ) {}

  async put (data: Uint8Array): Promise<BlobRef> {
    const hash = toHex(this.crypto.blake2b256(data))
    const existing = this.known.get(hash)
    if (existing !== undefined) return existing
    if (!this.own.writable) throw new CairnError('READ_ONLY', 'cannot store a blob: this node is open read-only beside the process that holds its home')
    const blocks: Uint8Array[] = []
    for (let at = 0; at < data.byteLength; at += BLOB_BLOCK_BYTES) blocks.push(data.subarray(at, at + BLOB_BLOCK_BYTES))
    if (blocks.length === 0) blocks.push(new Uint8Array(0))
    const offset = this.own.length
    await this.own.append(blocks)
    const ref = { hash, core: toHex(this.own.key), offset, length: data.byteLength }
    this.known.set(hash, ref)
    return ref
  }

  /**
   * Free this node's copy of a blob (`job clean`). Its blocks stay in the
   * core's signed tree: a peer that holds them serves them again. Answers
   * the bytes freed (0 when it was not here).
   */
  async drop (ref: BlobRef): Promise<number> {
    const core = ref.core === toHex(this.own.key) ? this.own : this.open(ref.core)
    const count = Math.max(1, Math.ceil(ref.length / BLOB_BLOCK_BYTES))
    if (ref.offset + count > core.length || !(await core.has(ref.offset, ref.offset + count))) return 0
    await core.clear(ref.offset, ref.offset + count)
    if (this.known.get(ref.hash)?.offset === ref.offset) this.known.delete(ref.hash) // the same content stored again must be appended anew
    return ref.length
  }

  async get (ref: BlobRef, opts: { wait?: boolean } = {}): Promise<Buffer> {
    const core = ref.core === toHex(this.own.key) ? this.own : this.open(ref.core)
    const count = Math.max(1, Math.ceil(ref.length / BLOB_BLOCK_BYTES))
    const parts: Buffer[] = []
    for (let i = 0; i < count; i++) {
      const block = await core.get(ref.offset + i, { wait: opts.wait ?? false })
      if (block === null) throw new CairnError('BLOB_MISSING', `blob ${ref.hash} block ${ref.offset + i} of core ${ref.core} is not here yet; sync with a peer that has it`)
      parts.push(block)
    }
    const data = Buffer.concat(parts)
    if (data.byteLength !== ref.length || toHex(this.crypto.blake2b256(data)) !== ref.hash) {
      throw new CairnError('BLOB_CORRUPT', `blob ${ref.hash} read from core ${ref.core} at ${ref.offset} does not match its hash`)
    }
    return data
  }
}
