import { FrameLog } from './frame-log.js'
import type { IndexedEvent, Rejection } from './views.js'

/**
 * The views' persistence: an append-only local file of frames, one per
 * indexing step: `[u32 length][u32 crc32][msgpack frame]`. A frame carries the
 * feed's new checkpoint with the events and rejections it produced, so the
 * checkpoint and the views can never disagree. A torn or damaged tail (a crash
 * mid-write) is cut off on open and those blocks are simply indexed again.
 */
export interface Frame {
  feed: string
  /** The checkpoint after this frame: blocks [0, length) of `feed` are indexed. */
  length: number
  events: IndexedEvent[]
  rejected: Rejection[]
}

/** The views' log: frames of checkpoints with the events and rejections they produced. */
export class ViewLog extends FrameLog<Frame> {}
