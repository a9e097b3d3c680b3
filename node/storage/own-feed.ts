import type Hypercore from 'hypercore'
import type { Crypto, KeyPair } from '../../protocol/crypto.js'
import { CairnError, isCairnError } from '../../protocol/errors.js'
import { toHex } from '../../protocol/hex.js'
import type { CairnEvent, Draft } from '../../protocol/event.js'
import { encodeDraft, openEvent } from '../../protocol/event.js'
import { decodeBlock } from '../../protocol/block.js'
import type { EventType } from '../../protocol/schemas.js'
import { packPayloads, sealPayloads, signedEvents } from '../crypto/jobs.js'
import type { SignedBatch } from '../crypto/jobs.js'
import type { CryptoPool } from '../crypto/pool.js'

/** Below this many drafts, signing inline beats the round trip to a worker. */
const POOL_MIN_DRAFTS = 256
/** Drafts per pool job: small enough that appending overlaps signing, large enough to amortise the round trip. */
const POOL_CHUNK_DRAFTS = 1000
/** EventIds kept for the indexer at most (about 100 bytes each); past this it verifies as for any feed. */
const MAX_UNINDEXED = 1_000_000

/**
 * The node's own `events` feed: signs drafts with the identity key and
 * appends them in batches (one block holds up to 64 KB of events).
 *
 * It refuses to append when the core is shorter than the length this node
 * last recorded: a damaged store (RocksDB drops a bad WAL record and all
 * after it) reopens short, and appending then would fork our own signed
 * history. `cairn recover` fetches the lost blocks from a peer.
 */
export class OwnFeed {
  readonly key: string
  /** EventIds this process signed and appended that the indexer has not taken yet. */
  private readonly unindexed = new Set<string>()
  /** The ts of the last event in this feed; read from its last block on first append. */
  private lastTs: number | null = null

  constructor (
    readonly core: Hypercore,
    private readonly identity: KeyPair,
    private readonly crypto: Crypto,
    private readonly pool: CryptoPool,
    private readonly recorded: { get: () => number, set: (length: number) => void, close: () => void }
  ) {
    this.key = toHex(core.key)
  }

  /**
   * True, and forgotten here, when every id is one this process signed and
   * appended: the indexer then need not verify those events again (an
   * EventId covers payload and signature, so the bytes are the ones signed).
   */
  claimSigned (ids: readonly string[]): boolean {
    const all = ids.length > 0 && ids.every((id) => this.unindexed.has(id))
    for (const id of ids) this.unindexed.delete(id) // a block is indexed once: its ids are not asked for again either way
    return all
  }

  get hasUnindexed (): boolean {
    return this.unindexed.size > 0
  }

  close (): void {
    this.recorded.close()
  }

  /** Blocks this node knows it wrote but the core no longer has; 0 when healthy. */
  missingBlocks (): number {
    return Math.max(0, this.recorded.get() - this.core.length)
  }

  assertWhole (): void {
    const missing = this.missingBlocks()
    if (missing > 0) {
      throw new CairnError('FEED_TRUNCATED', `own feed has ${this.core.length} blocks but this node recorded ${this.recorded.get()}: the store lost ${missing} block(s). Appending would fork your signed history; run: cairn recover --connect HOST:PORT (a peer that has your feed)`)
    }
  }

  /**
   * Sign and append drafts together; resolves once the blocks are stored.
   * Every draft is validated first, so a bad one appends nothing. Large
   * batches are signed in chunks across the crypto pool, and each chunk is
   * appended, in order, as soon as it is signed: appending overlaps signing.
   */
  async append (drafts: ReadonlyArray<Draft<EventType>>): Promise<CairnEvent[]> {
    if (!this.core.writable) throw new CairnError('READ_ONLY', 'cannot append: this node is open read-only beside the process that holds its home')
    this.assertWhole()
    if (drafts.length === 0) return []
    await this.readLastTs()
    let ts = this.lastTs ?? 0 // read after the await: a concurrent append may have moved it
    // Strictly increasing per author, whatever the clock does: log then keeps this feed's order on every node.
    const encoded = drafts.map((d) => encodeDraft({ ...d, ts: ts = Math.max(d.ts ?? Date.now(), ts + 1) }, this.identity.publicKey)) // every draft validated before any is signed
    const payloads = encoded.map((e) => e.payload)
    const batches: Array<SignedBatch | Promise<SignedBatch>> = []
    if (drafts.length < POOL_MIN_DRAFTS) batches.push(sealPayloads(packPayloads(payloads), this.identity.secretKey, this.crypto))
    else {
      const chunk = Math.min(POOL_CHUNK_DRAFTS, Math.ceil(drafts.length / this.pool.size)) // every worker gets a share
      for (let i = 0; i < payloads.length; i += chunk) {
        const sealing = this.pool.seal(packPayloads(payloads.slice(i, i + chunk)), this.identity.secretKey)
        sealing.catch(() => {}) // awaited in order below; a later chunk failing after an earlier one must not go unhandled
        batches.push(sealing)
      }
    }
    this.lastTs = ts
    const ids = await this.appendSigned(batches)
    return signedEvents(drafts, encoded.map((e) => e.ts), ids, toHex(this.identity.publicKey))
  }

  /** The last readable event's ts: a damaged or foreign last block (tests forge them) is skipped, a few at most. */
  private async readLastTs (): Promise<void> {
    if (this.lastTs !== null) return
    let found = 0
    for (let seq = this.core.length - 1; seq >= Math.max(0, this.core.length - 16) && found === 0; seq--) {
      try {
        const events = decodeBlock(await this.core.get(seq) as Uint8Array)
        for (const e of events) found = Math.max(found, openEvent(e, this.crypto).ts)
      } catch (err) {
        if (!isCairnError(err)) throw err
      }
    }
    this.lastTs ??= found
  }

  /** Append each batch as it is signed, in order; resolves with the EventIds. */
  private async appendSigned (batches: Array<SignedBatch | Promise<SignedBatch>>): Promise<string[]> {
    const ids: string[] = []
    try {
      for (const pending of batches) {
        const batch = await pending
        this.assertWhole()
        // Known before the append: an indexer pass already running (another feed's download,
        // a concurrent post) may read the new blocks before this call resumes.
        const remembered = this.unindexed.size + batch.ids.length <= MAX_UNINDEXED
        if (remembered) for (const id of batch.ids) this.unindexed.add(id)
        try {
          await this.core.append(batch.blocks)
        } catch (err) {
          if (remembered) for (const id of batch.ids) this.unindexed.delete(id)
          throw err
        }
        ids.push(...batch.ids)
      }
    } finally {
      // Once per call, before anything is acknowledged (an fdatasync each): a
      // record short of the core after a crash only weakens the guard, never trips it.
      if (this.core.length > this.recorded.get()) this.recorded.set(this.core.length)
    }
    return ids
  }
}
