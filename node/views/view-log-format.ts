import { closeSync, openSync } from 'node:fs'
import { Unpackr } from 'msgpackr/unpack'
import { readFrames } from '../storage/frames.js'
import type { Rejection } from './views.js'

/**
 * The view log's file format, apart from the replay (view-log.ts), so that
 * what it recorded can be read without loading the event decoder and its
 * crypto: `cairn id` counts events from here.
 */

/**
 * What the log keeps of a frame: the blocks it covered, what it rejected
 * there, and a digest of the EventIds it accepted. The events themselves stay
 * in the feed (storing them again doubled the disk and cost the indexer a
 * re-encode of every event) and are read back from it on open.
 */
export interface FrameRecord {
  feed: string
  from: number
  length: number
  count: number
  digest: Uint8Array
  rejected: Rejection[]
}

/** The log's first frame. A log of another version is dropped and the views rebuilt from the feeds. */
export interface Header { format: typeof FORMAT, version: number }
export const FORMAT = 'cairn/views'
export const VERSION = 2

export function isHeader (x: unknown): x is Header {
  return typeof x === 'object' && x !== null && (x as Header).format === FORMAT
}

/** What a view log recorded: events accepted (relayed copies counted each time) and each feed's checkpoint. */
interface RecordedViews {
  events: number
  checkpoints: Map<string, number>
}

/**
 * The counts a clean log of this version recorded, read without replaying
 * it; null when the log is missing, of another version, torn (a writer may be
 * mid-frame) or malformed: then only opening the node says what the views hold.
 */
export function readRecordedViews (path: string): RecordedViews | null {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return null
  }
  try {
    const { frames, end, size } = readFrames(fd, (body) => lightDecoder.unpack(body) as unknown)
    const first = frames[0]?.frame
    if (end < size || first === undefined || !isHeader(first) || first.version !== VERSION) return null
    const recorded: RecordedViews = { events: 0, checkpoints: new Map() }
    for (const { frame } of frames.slice(1)) {
      const { feed, length, count } = frame as Partial<FrameRecord>
      if (typeof feed !== 'string' || !Number.isSafeInteger(length) || !Number.isSafeInteger(count)) return null
      recorded.events += count as number
      recorded.checkpoints.set(feed, length as number)
    }
    return recorded
  } finally {
    closeSync(fd)
  }
}

// Decodes what protocol/codec.ts packs (plain maps) without loading msgpackr's
// native string extractor, whose load cost `cairn id` more than the reading.
const lightDecoder = new Unpackr({ useRecords: false, mapsAsObjects: true, moreTypes: false })
