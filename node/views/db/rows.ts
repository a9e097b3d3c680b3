import { pack, unpackExact } from '../../../protocol/codec.js'
import type { IndexedEvent } from '../indexed.js'
import type { BodyStore } from './bodies.js'

/** An events row as selected by EVENT_COLUMNS: `gen`, the views generation its body's file is of (db/bodies.ts). */
export interface EventRow { n: number, id: Buffer, type: string, author: Buffer, ts: number, feedKey: Buffer, seq: number, refs: Buffer | null, boff: number, blen: number, gen: number }

/** What every event read selects: `e` is events, `f` its feed; the generation in the same statement, so of the same snapshot as the row. */
export const EVENT_COLUMNS = "e.n, e.id, e.type, e.author, e.ts, f.key AS feedKey, e.seq, e.refs, e.boff, e.blen, (SELECT value FROM meta WHERE key = 'generation') AS gen FROM events e JOIN feeds f ON f.n = e.feed"

/** Ids, keys and authors are 32-byte BLOBs in the file; hex only at the edges. */
export const blob = (hex: string): Buffer => Buffer.from(hex, 'hex')

/** The row's columns that hold the event's own content: refs (null when none) and body, msgpack as protocol/codec.ts packs them (`body`: those bytes, when the frame has them). */
export function contentOf (event: IndexedEvent, body?: Uint8Array | null): { refs: Uint8Array | null, body: Uint8Array } {
  return { refs: event.refs.length === 0 ? null : pack(event.refs.map(blob)), body: body ?? pack(event.body) }
}

/** The event a row holds, its body read from `bodies`. */
export function eventOf (row: EventRow, bodies: BodyStore): IndexedEvent {
  const refs = row.refs === null ? [] : (unpackExact(row.refs, 'refs') as Uint8Array[]).map((r) => Buffer.from(r).toString('hex'))
  return {
    id: row.id.toString('hex'),
    type: row.type,
    author: row.author.toString('hex'),
    ts: row.ts,
    refs,
    body: unpackExact(bodies.read(row.gen, row.boff, row.blen), 'body'),
    feed: row.feedKey.toString('hex'),
    seq: row.seq
  } as IndexedEvent
}
