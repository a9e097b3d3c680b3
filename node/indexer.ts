import type Hypercore from 'hypercore'
import { decodeBlock } from '../protocol/block.js'
import type { Crypto } from '../protocol/crypto.js'
import { isCairnError } from '../protocol/errors.js'
import { openEvent } from '../protocol/event.js'
import type { Frame, ViewLog } from './view-log.js'
import type { IndexedEvent, Rejection, Views } from './views.js'

/** How many blocks one frame of the view log covers at most: bounds the work lost to a crash. */
const BLOCKS_PER_FRAME = 64

export interface IndexProgress { feed: string, length: number, events: number, rejected: number }

/**
 * Reads every followed events feed from its checkpoint, checks each event
 * completely (decode, version, signature, schema) and applies the good ones to
 * the views. A bad event is recorded with its feed, block and position and the
 * reason, and skipped; the feed itself is never touched, so nothing stored is
 * lost. Only the locally contiguous prefix of a feed is indexed, in order.
 */
export class Indexer {
  private running: Promise<void> | null = null
  private again = false

  constructor (
    private readonly views: Views,
    private readonly log: ViewLog,
    private readonly crypto: Crypto,
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
      const to = Math.min(core.contiguousLength, from + BLOCKS_PER_FRAME)
      const frame: Frame = { feed, length: to, events: [], rejected: [] }
      for (let seq = from; seq < to; seq++) {
        const block = await core.get(seq, { wait: false })
        if (block === null) { frame.length = seq; break }
        this.indexBlock(feed, seq, block, frame.events, frame.rejected)
      }
      if (frame.length === from) return
      this.log.append(frame)
      applyFrame(this.views, frame)
      this.onProgress({ feed, length: frame.length, events: frame.events.length, rejected: frame.rejected.length })
      from = frame.length
    }
  }

  private indexBlock (feed: string, seq: number, block: Uint8Array, events: IndexedEvent[], rejected: Rejection[]): void {
    let items: unknown[]
    try {
      items = decodeBlock(block)
    } catch (err) {
      rejected.push(toRejection(err, feed, seq))
      return
    }
    items.forEach((item, index) => {
      try {
        events.push({ ...openEvent(item, this.crypto), feed, seq })
      } catch (err) {
        rejected.push(toRejection(err, feed, seq, index))
      }
    })
  }
}

export function applyFrame (views: Views, frame: Frame): void {
  for (const e of frame.events) views.apply(e)
  for (const r of frame.rejected) views.reject(r)
  views.checkpoints.set(frame.feed, frame.length)
}

function toRejection (err: unknown, feed: string, seq: number, index?: number): Rejection {
  if (!isCairnError(err)) throw err // a bug of ours, not bad input: let it surface
  const r: Rejection = { feed, seq, code: err.code, reason: err.message }
  if (index !== undefined) r.index = index
  return r
}
