import { pack, unpackExact } from '../../../protocol/codec.js'
import type { IndexedEvent } from '../indexed.js'

/** An events row as selected by EVENT_COLUMNS. */
export interface EventRow { n: number, id: Buffer, type: string, author: Buffer, ts: number, feedKey: Buffer, seq: number, refs: Buffer | null, body: Buffer }

/** What every event read selects: `e` is events, `f` its feed. */
export const EVENT_COLUMNS = 'e.n, e.id, e.type, e.author, e.ts, f.key AS feedKey, e.seq, e.refs, e.body FROM events e JOIN feeds f ON f.n = e.feed'

/** Ids, keys and authors are 32-byte BLOBs in the file; hex only at the edges. */
export const blob = (hex: string): Buffer => Buffer.from(hex, 'hex')

/** The row's columns that hold the event's own content: refs (null when none) and body, msgpack as protocol/codec.ts packs them (`body`: those bytes, when the frame has them). */
export function contentOf (event: IndexedEvent, body?: Uint8Array | null): { refs: Uint8Array | null, body: Uint8Array } {
  return { refs: event.refs.length === 0 ? null : pack(event.refs.map(blob)), body: body ?? pack(event.body) }
}

export function eventOf (row: EventRow): IndexedEvent {
  const refs = row.refs === null ? [] : (unpackExact(row.refs, 'refs') as Uint8Array[]).map((r) => Buffer.from(r).toString('hex'))
  return {
    id: row.id.toString('hex'),
    type: row.type,
    author: row.author.toString('hex'),
    ts: row.ts,
    refs,
    body: unpackExact(row.body, 'body'),
    feed: row.feedKey.toString('hex'),
    seq: row.seq
  } as IndexedEvent
}
