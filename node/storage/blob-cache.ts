import type { BlobRef } from '../../protocol/schemas.js'

/**
 * Which blobs fetched on demand from other nodes to keep: the most recently
 * read, up to a byte limit (`cairn start --blob-cache-mb`). Blobs this node
 * authored are never in it, so never evicted. Kept in memory: a restarted
 * node counts from empty (what it held before stays until the cache is full
 * again of what it reads since, and is then evicted as it is read again).
 */
export class BlobCache {
  /** By hash, least recently read first (a Map keeps insertion order). */
  private readonly held = new Map<string, BlobRef>()
  private bytes = 0

  constructor (readonly limitBytes: number) {}

  /** Count `ref` as just read; answers the blobs to evict, least recently read first, to stay within the limit (never `ref` itself). */
  use (ref: BlobRef): BlobRef[] {
    if (this.held.delete(ref.hash)) this.bytes -= ref.length
    this.held.set(ref.hash, ref)
    this.bytes += ref.length
    const evict: BlobRef[] = []
    for (const [hash, old] of this.held) {
      if (this.bytes <= this.limitBytes || hash === ref.hash) break
      this.held.delete(hash)
      this.bytes -= old.length
      evict.push(old)
    }
    return evict
  }

  /** Bytes held, for status. */
  get size (): number {
    return this.bytes
  }
}
