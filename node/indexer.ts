import type Hypercore from 'hypercore'
import type { Crypto } from '../protocol/crypto.js'
import { openBlock } from './crypto-jobs.js'
import type { OpenedBlock } from './crypto-jobs.js'
import type { CryptoPool } from './crypto-pool.js'
import type { Frame, ViewLog } from './view-log.js'
import type { Views } from './views.js'

/** How many blocks one frame of the view log covers at most: bounds the work lost to a crash. */
const BLOCKS_PER_FRAME = 64

export interface IndexProgress { feed: string, length: number, events: number, rejected: number }

/**
 * Reads every followed events feed from its checkpoint, checks each event
 * completely (decode, version, signature, schema) and applies the good ones to
 * the views. A bad event is recorded with its feed, block and position and the
 * reason, and skipped; the feed itself is never touched, so nothing stored is
 * lost. Only the locally contiguous prefix of a feed is indexed, in order.
 * Verification of a multi-block frame is spread over the crypto pool.
 */
export class Indexer {
  private running: Promise<void> | null = null
  private again = false

  constructor (
    private readonly views: Views,
    private readonly log: ViewLog,
    private readonly crypto: Crypto,
    private readonly pool: CryptoPool,
    private readonly feeds: () => Iterable<[string, Hypercore]>,
    private readonly onProgress: (p: IndexProgress) => void = () => {}
  ) {}

  /** Index what is available now; concurrent calls coalesce into one more pass. */
  async run (): Promise<void> {
    if (this.running !== null) {
      this.again = true
      return await this.running
    }
    this.running = (async () => {
      do {
        this.again = false
        for (const [key, core] of this.feeds()) await this.indexFeed(key, core)
      } while (this.again)
    })()
    try {
      await this.running
    } finally {
      this.running = null
    }
  }

  private async indexFeed (feed: string, core: Hypercore): Promise<void> {
    let from = this.views.checkpoints.get(feed) ?? 0
    while (from < core.contiguousLength) {
      const blocks: Buffer[] = []
      for (let seq = from; seq < Math.min(core.contiguousLength, from + BLOCKS_PER_FRAME); seq++) {
        const block = await core.get(seq, { wait: false })
        if (block === null) break
        blocks.push(block)
      }
      if (blocks.length === 0) return
      const opened: OpenedBlock[] = blocks.length === 1
        ? [openBlock(blocks[0] as Buffer, this.crypto)]
        : await Promise.all(blocks.map((b) => this.pool.open(b)))
      const frame: Frame = { feed, length: from + blocks.length, events: [], rejected: [] }
      opened.forEach((o, i) => {
        const seq = from + i
        for (const { event } of o.events) frame.events.push({ ...event, feed, seq })
        for (const r of o.rejected) frame.rejected.push({ feed, seq, ...r })
      })
      this.log.append(frame)
      applyFrame(this.views, frame)
      this.onProgress({ feed, length: frame.length, events: frame.events.length, rejected: frame.rejected.length })
      from = frame.length
    }
  }
}

export function applyFrame (views: Views, frame: Frame): void {
  for (const e of frame.events) views.apply(e)
  for (const r of frame.rejected) views.reject(r)
  views.checkpoints.set(frame.feed, frame.length)
}
