import type Hypercore from 'hypercore'
import type { Crypto } from '../../protocol/crypto.js'
import { CairnError, isCairnError } from '../../protocol/errors.js'
import { reopenBlock } from '../crypto/jobs.js'
import { FrameLog } from '../storage/frame-log.js'
import { FORMAT, isHeader, VERSION } from './view-log-format.js'
import type { FrameRecord, Header } from './view-log-format.js'
import type { IndexedEvent, Rejection } from './views.js'

/** One indexing step as the views take it: a feed's new checkpoint with the events and rejections it produced. */
export interface Frame {
  feed: string
  /** The checkpoint after this frame: blocks [0, length) of `feed` are indexed. */
  length: number
  events: IndexedEvent[]
  rejected: Rejection[]
}

export interface ViewLogLoad {
  frames: number
  events: number
  /** Why the log was cut short on open (its rest is indexed again from the feeds), or null. */
  cut: string | null
}

/**
 * The views' persistence: an append-only local file of frames (node/frame-log.ts),
 * one per indexing step. A frame carries the feed's new checkpoint with what
 * it accepted and rejected, so checkpoint and views never disagree. On open
 * each frame's events are read back from its feed without checking their
 * signatures again: the digest of their EventIds (which cover payload and
 * signature) proves they are the bytes that were verified. A torn tail, a
 * frame whose blocks are gone or differ, or a log of another version is cut
 * there, and the indexer verifies those blocks again.
 */
export class ViewLog {
  private readonly log: FrameLog<Header | FrameRecord>
  private readonly readOnly: boolean

  /** readOnly: load what the process holding the home wrote; frames indexed here stay in memory. */
  constructor (path: string, private readonly crypto: Crypto, opts: { readOnly?: boolean } = {}) {
    this.readOnly = opts.readOnly === true
    this.log = new FrameLog(path, { readOnly: this.readOnly })
  }

  append (frame: Frame, from: number): void {
    if (this.readOnly) return
    this.log.append({ feed: frame.feed, from, length: frame.length, count: frame.events.length, digest: this.digest(frame.events), rejected: frame.rejected })
  }

  /** Replay every frame whose events are still in their feed, in order; cut the log at the first that is not. */
  async load (coreFor: (feed: string) => Hypercore | null, apply: (frame: Frame) => void): Promise<ViewLogLoad> {
    const { frames } = this.log.read()
    const first = frames[0]?.frame
    if (first === undefined || !isHeader(first) || first.version !== VERSION) {
      if (!this.readOnly) this.reset()
      return { frames: 0, events: 0, cut: first === undefined ? null : 'the view log is of another version; the views are rebuilt from the feeds' }
    }
    const checkpoints = new Map<string, number>()
    let events = 0
    for (let i = 1; i < frames.length; i++) {
      const { frame: record, at } = frames[i] as { frame: FrameRecord, at: number }
      let frame: Frame
      try {
        frame = await this.replay(record, checkpoints.get(record.feed) ?? 0, coreFor)
      } catch (err) {
        // The log is a cache of what the feeds say: whatever is wrong with a frame, verify again from there.
        if (!this.readOnly) this.log.cut(at)
        return { frames: i - 1, events, cut: `view log frame ${i}: ${isCairnError(err) ? err.message : `unreadable (${String(err)})`}; indexed again from the feed` }
      }
      apply(frame)
      checkpoints.set(frame.feed, frame.length)
      events += frame.events.length
    }
    return { frames: frames.length - 1, events, cut: null }
  }

  /** Drop every frame: the indexer rebuilds the views from the feeds. */
  reset (): void {
    this.log.reset()
    this.log.append({ format: FORMAT, version: VERSION })
  }

  close (): void {
    this.log.close()
  }

  private async replay (record: FrameRecord, checkpoint: number, coreFor: (feed: string) => Hypercore | null): Promise<Frame> {
    const { feed, from, length, count, digest, rejected } = record
    if (typeof feed !== 'string' || from !== checkpoint || !Number.isSafeInteger(length) || length <= from || !Array.isArray(rejected) || !(digest instanceof Uint8Array)) {
      throw new CairnError('VIEW_LOG', 'is malformed or out of order')
    }
    const core = coreFor(feed)
    if (core === null) throw new CairnError('VIEW_LOG', `feed ${feed} is not open`)
    const blocks = await Promise.all(Array.from({ length: length - from }, async (_, i) => await core.get(from + i, { wait: false }) as Uint8Array | null))
    const events: IndexedEvent[] = []
    blocks.forEach((block, i) => {
      if (block === null) throw new CairnError('VIEW_LOG', `block ${from + i} of feed ${feed} is no longer stored`)
      events.push(...reopenBlock(block, feed, from + i, rejected, this.crypto))
    })
    if (events.length !== count || Buffer.compare(this.digest(events), digest) !== 0) {
      throw new CairnError('VIEW_LOG', `blocks ${from}..${length - 1} of feed ${feed} are not the ones verified`)
    }
    return { feed, length, events, rejected }
  }

  private digest (events: readonly IndexedEvent[]): Uint8Array {
    return this.crypto.blake2b256(Buffer.from(events.map((e) => e.id).join(''), 'latin1'))
  }
}
