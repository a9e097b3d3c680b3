import type Hypercore from 'hypercore'
import type { Crypto } from '../../protocol/crypto.js'
import { CairnError } from '../../protocol/errors.js'
import { toHex } from '../../protocol/hex.js'
import type { BlobRef } from '../../protocol/schemas.js'
import { BlobCache } from './blob-cache.js'

/** Blobs are cut in 64 KB blocks: large enough that per-block overhead is small, small enough to stream. */
export const BLOB_BLOCK_BYTES = 64 * 1024
/** How long a blob read waits for connected peers to serve a block fetched on demand. */
const FETCH_MS = 15_000

/**
 * Content-addressed blobs (diffs, logs, raw mails) in a node's `blobs` core.
 * A BlobRef names the content hash (blake2b-256) and where it lives: core
 * key, first block, byte length. Reading checks the hash, so a blob fetched
 * from any peer is exactly what was referenced.
 */
export class BlobStore {
  /** Set by fetchOnDemand: other nodes' blobs are fetched when read, not replicated whole, and kept within the cache. */
  private cache: BlobCache | null = null
  private fetchMs = FETCH_MS

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

  /**
   * Fetch other nodes' blobs when a read asks for them rather than replicate
   * their blobs cores whole (sessions skip those: onDemand), keeping at most
   * `cacheBytes` of them, least recently read evicted first.
   */
  fetchOnDemand (opts: { cacheBytes: number, fetchMs?: number }): void {
    this.cache = new BlobCache(opts.cacheBytes)
    this.fetchMs = opts.fetchMs ?? FETCH_MS
  }

  /** True when `core` is another node's blobs core that this store fetches from on demand (replication leaves it alone). */
  onDemand (core: Hypercore, kind: string): boolean {
    return this.cache !== null && kind === 'blobs' && core !== this.own
  }

  /** Bytes of other nodes' blobs read since start and still held (null: blobs are replicated whole). */
  get cached (): number | null {
    return this.cache?.size ?? null
  }

  async get (ref: BlobRef, opts: { wait?: boolean } = {}): Promise<Buffer> {
    const own = ref.core === toHex(this.own.key)
    const core = own ? this.own : this.open(ref.core)
    const count = Math.max(1, Math.ceil(ref.length / BLOB_BLOCK_BYTES))
    if (!own && this.cache !== null) await this.fetch(core, ref, count)
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
    if (!own && this.cache !== null) for (const old of this.cache.use(ref)) await this.drop(old)
    return data
  }

  /** Bring a blob's blocks from the connected peers that carry its core, or BLOB_UNREACHABLE. */
  private async fetch (core: Hypercore, ref: BlobRef, count: number): Promise<void> {
    if (ref.offset + count <= core.length && await core.has(ref.offset, ref.offset + count)) return
    const unreachable = (why: string): CairnError => new CairnError('BLOB_UNREACHABLE', `blob ${ref.hash} of core ${ref.core} is not here and ${why}: connect to its owner's node, or to a peer that holds it, and retry`)
    if (core.peers.length === 0) throw unreachable('no connected peer carries its core')
    try {
      await Promise.all(Array.from({ length: count }, async (_, i) => await core.get(ref.offset + i, { wait: true, timeout: this.fetchMs })))
    } catch (err) {
      if ((err as { code?: string }).code === 'REQUEST_TIMEOUT') throw unreachable(`no connected peer served it within ${this.fetchMs / 1000} s`)
      throw err
    }
  }
}
