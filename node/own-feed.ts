import type Hypercore from 'hypercore'
import type { Crypto, KeyPair } from '../protocol/crypto.js'
import { CairnError } from '../protocol/errors.js'
import { toHex } from '../protocol/hex.js'
import type { CairnEvent, Draft } from '../protocol/event.js'
import { validateDraft } from '../protocol/event.js'
import type { EventType } from '../protocol/schemas.js'
import { signDrafts, signedEvents } from './crypto-jobs.js'
import type { SignedBatch } from './crypto-jobs.js'
import type { CryptoPool } from './crypto-pool.js'

/** Below this many drafts, signing inline beats the round trip to a worker. */
const POOL_MIN_DRAFTS = 256
/** Drafts per pool job: small enough that appending overlaps signing, large enough to amortise the round trip. */
const POOL_CHUNK_DRAFTS = 1000

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
  constructor (
    readonly core: Hypercore,
    private readonly identity: KeyPair,
    private readonly crypto: Crypto,
    private readonly pool: CryptoPool,
    private readonly recorded: { get: () => number, set: (length: number) => void, close: () => void }
  ) {}

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
    this.assertWhole()
    if (drafts.length === 0) return []
    for (const d of drafts) validateDraft(d.type, d.body, d.refs)
    if (drafts.length < POOL_MIN_DRAFTS) return await this.appendSigned([[drafts, signDrafts(drafts, this.identity, this.crypto)]])
    const chunk = Math.min(POOL_CHUNK_DRAFTS, Math.ceil(drafts.length / this.pool.size)) // every worker gets a share
    const jobs: Array<[ReadonlyArray<Draft<EventType>>, Promise<SignedBatch>]> = []
    for (let i = 0; i < drafts.length; i += chunk) {
      const part = drafts.slice(i, i + chunk)
      const signing = this.pool.sign({ op: 'sign', drafts: part, keyPair: this.identity })
      signing.catch(() => {}) // awaited in order below; a later chunk failing after an earlier one must not go unhandled
      jobs.push([part, signing])
    }
    return await this.appendSigned(jobs)
  }

  private async appendSigned (batches: Array<[ReadonlyArray<Draft<EventType>>, SignedBatch | Promise<SignedBatch>]>): Promise<CairnEvent[]> {
    const author = toHex(this.identity.publicKey)
    const events: CairnEvent[] = []
    try {
      for (const [drafts, pending] of batches) {
        const batch = await pending
        this.assertWhole()
        await this.core.append(batch.blocks)
        events.push(...signedEvents(drafts, batch, author))
      }
    } finally {
      // Once per call, before anything is acknowledged (an fdatasync each): a
      // record short of the core after a crash only weakens the guard, never trips it.
      if (this.core.length > this.recorded.get()) this.recorded.set(this.core.length)
    }
    return events
  }
}
