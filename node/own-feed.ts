import type Hypercore from 'hypercore'
import type { Crypto, KeyPair } from '../protocol/crypto.js'
import { batchIntoBlocks } from '../protocol/block.js'
import { CairnError } from '../protocol/errors.js'
import type { CairnEvent, Draft, Signed } from '../protocol/event.js'
import { signEvent } from '../protocol/event.js'
import type { EventType } from '../protocol/schemas.js'

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
    private readonly recorded: { get: () => number, set: (length: number) => void }
  ) {}

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

  /** Sign and append drafts together; resolves once the blocks are stored. */
  async append (drafts: ReadonlyArray<Draft<EventType>>): Promise<CairnEvent[]> {
    this.assertWhole()
    const signed: Signed[] = []
    const events: CairnEvent[] = []
    for (const draft of drafts) {
      const out = signEvent(draft, this.identity, this.crypto)
      signed.push(out.signed)
      events.push(out.event)
    }
    if (signed.length === 0) return events
    const { length } = await this.core.append(batchIntoBlocks(signed))
    this.recorded.set(length)
    return events
  }
}
