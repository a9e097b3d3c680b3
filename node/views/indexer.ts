import type Hypercore from 'hypercore'
import type { Crypto } from '../../protocol/crypto.js'
import { isCairnError } from '../../protocol/errors.js'
import { openBlock, reopenBlock } from '../crypto/jobs.js'
import type { OpenedBlock } from '../crypto/jobs.js'
import type { CryptoPool } from '../crypto/pool.js'
import type { Frame, IndexedEvent, Views } from './views.js'

/**
 * Block bytes one frame (one transaction of the views) covers at most, and
 * blocks at most, but never less than one block: bounds the work lost to a
 * crash and the memory a frame's events take, whatever size of block a feed
 * was written in (a peer's blocks are its own choice).
 */
const FRAME_BYTES = 4 * 1024 * 1024
const FRAME_BLOCKS = 64
/** Block bytes (and blocks) read and handed to the crypto pool ahead of the frame being written: keeps every worker busy, in bounded memory. */
const IN_FLIGHT_BYTES = 4 * FRAME_BYTES
const IN_FLIGHT_BLOCKS = 4 * FRAME_BLOCKS

export interface IndexProgress { feed: string, length: number, events: number, rejected: number }

/** The node's own feed, as far as the indexer needs it: which events this process signed (OwnFeed). */
interface SignedHere {
  key: string
  hasUnindexed: boolean
  claimSigned: (ids: readonly string[]) => boolean
}

/**
 * Reads every followed events feed from its checkpoint, checks each event
 * completely (decode, version, signature, schema) and applies the good ones to
 * the views. A bad event is recorded with its feed, block and position and the
 * reason, and skipped; the feed itself is never touched, so nothing stored is
 * lost. Only the locally contiguous prefix of a feed is indexed, in order.
 * Verification of a multi-block frame is spread over the crypto pool; the
 * events this process itself signed are recognised by their EventIds
 * instead, and so, during a rebuild, are the events the views held before it.
 */
export class Indexer {
  private running: Promise<void> | null = null
  private again = false
  private stopped = false
  /**
   * Events (and rejections) indexed by checking their signatures, events
   * recognised as signed by this process, and events a rebuild recognised as
   * held (so checked) before it.
   */
  readonly counts = { verified: 0, signedHere: 0, knownBefore: 0 }

  constructor (
    private readonly views: Views,
    private readonly crypto: Crypto,
    private readonly pool: CryptoPool,
    private readonly own: SignedHere,
    private readonly feeds: () => Iterable<[string, Hypercore]>,
    private readonly onProgress: (p: IndexProgress) => void = () => {}
  ) {}

  /** Index what is available now; concurrent calls coalesce into one more pass. */
  async run (): Promise<void> {
    if (this.stopped || !this.views.indexes) return
    if (this.running !== null) {
      this.again = true
      return await this.running
    }
    this.running = (async () => {
      do {
        this.again = false
        for (const [key, core] of this.feeds()) {
          if (this.stopped) return
          await this.indexFeed(key, core)
        }
      } while (this.again && !this.stopped)
      this.views.settle() // after a clear: the series rows, each built once
    })()
    try {
      await this.running
    } finally {
      this.running = null
    }
  }

  /**
   * Run `fn` between passes: after the pass in progress (if any) and before
   * another can start. reindex clears the views there; a pass running on
   * across the clear would go on from its own position and leave a gap.
   */
  async between (fn: () => void): Promise<void> {
    while (this.running !== null) await this.running.catch(() => {})
    fn() // synchronous: no pass starts before it returns
  }

  /** No new passes; resolves when the pass in progress (if any) has finished its current frame. */
  async stop (): Promise<void> {
    this.stopped = true
    await this.running?.catch(() => {})
  }

  /**
   * Index one feed from its checkpoint. Blocks are read in order and handed to
   * the crypto pool as they are read, with up to IN_FLIGHT_BYTES verifying
   * at once; frames are written in order as their blocks come back, so
   * reading, verifying and writing overlap.
   */
  private async indexFeed (feed: string, core: Hypercore): Promise<void> {
    const from = this.views.checkpoint(feed)
    const end = core.contiguousLength
    if (from >= end) return
    const inline = end - from === 1
    const pending: Array<{ opened: Promise<Opened>, bytes: number }> = []
    let pendingBytes = 0
    let next = from
    let written = from
    while (written < end) {
      while (next < end && pending.length < IN_FLIGHT_BLOCKS && (pending.length === 0 || pendingBytes < IN_FLIGHT_BYTES) && !this.stopped) {
        const block = await core.get(next, { wait: false })
        if (block === null) break
        pending.push({ opened: this.openSignedHere(block, feed, next) ?? this.openKnown(block, feed, next, inline) ?? this.verify(block, feed, next, inline), bytes: block.byteLength })
        pendingBytes += block.byteLength
        next++
      }
      const count = frameBlocks(pending)
      if (count === 0) return
      const taken = pending.splice(0, count)
      pendingBytes -= taken.reduce((sum, p) => sum + p.bytes, 0)
      const opened = await Promise.all(taken.map((p) => p.opened))
      const frame: Frame = { feed, length: written + count, events: opened.flatMap((o) => o.events), rejected: opened.flatMap((o) => o.rejected), bodies: opened.flatMap((o) => o.bodies) }
      this.views.commit(frame)
      this.onProgress({ feed, length: frame.length, events: frame.events.length, rejected: frame.rejected.length })
      written = frame.length
    }
  }

  private async verify (block: Uint8Array, feed: string, seq: number, inline: boolean): Promise<Opened> {
    const opened = inline ? openBlock(block, feed, seq, this.crypto) : await this.pool.open(block, feed, seq)
    this.counts.verified += opened.events.length + opened.rejected.length
    return withBodies(opened, block)
  }

  /**
   * During a rebuild that kept the EventIds the views held (Views.clear): a
   * block decoded and checked but for its signatures, taken when every
   * EventId in it is one of those (an EventId hashes payload and signature,
   * so these are bytes whose signatures were checked). Anything else, or a
   * block that does not decode, is verified as usual.
   */
  private openKnown (block: Uint8Array, feed: string, seq: number, inline: boolean): Promise<Opened> | null {
    if (!this.views.rebuildingVerified) return null
    return (async () => {
      let opened: Omit<OpenedBlock, 'rejected'>
      try {
        opened = inline ? reopenBlock(block, feed, seq, [], this.crypto) : await this.pool.reopen(block, feed, seq)
      } catch (err) {
        if (!isCairnError(err)) throw err
        return await this.verify(block, feed, seq, inline)
      }
      if (opened.events.length === 0 || !this.views.knownBefore(opened.events.map((e) => e.id))) return await this.verify(block, feed, seq, inline)
      this.counts.knownBefore += opened.events.length
      return withBodies({ ...opened, rejected: [] }, block)
    })()
  }

  /**
   * A block of the own feed that this process just signed and appended:
   * decoded, and taken without verifying when every EventId is one it signed
   * (a fifth of the CPU in the node bench). Anything else is verified as usual.
   */
  private openSignedHere (block: Uint8Array, feed: string, seq: number): Promise<Opened> | null {
    if (feed !== this.own.key || !this.own.hasUnindexed) return null
    let opened: Omit<OpenedBlock, 'rejected'>
    try {
      opened = reopenBlock(block, feed, seq, [], this.crypto)
    } catch (err) {
      if (!isCairnError(err)) throw err
      return null
    }
    if (!this.own.claimSigned(opened.events.map((e) => e.id))) return null
    this.counts.signedHere += opened.events.length
    return Promise.resolve(withBodies({ ...opened, rejected: [] }, block))
  }
}

/** How many of the first `pending` blocks the next frame takes: FRAME_BYTES and FRAME_BLOCKS at most, one at least. */
function frameBlocks (pending: ReadonlyArray<{ bytes: number }>): number {
  let count = 0
  let bytes = 0
  for (const p of pending) {
    if (count === FRAME_BLOCKS || (count > 0 && bytes + p.bytes > FRAME_BYTES)) break
    bytes += p.bytes
    count++
  }
  return count
}

/** An opened block, each event's body as signed a view into the block (the views store it as is). */
type Opened = Omit<OpenedBlock, 'bodies'> & { bodies: Array<Uint8Array | null> }

function withBodies (opened: OpenedBlock, block: Uint8Array): Opened {
  return { ...opened, bodies: opened.bodies.map((r) => r === null ? null : block.subarray(r[0], r[1])) }
}
