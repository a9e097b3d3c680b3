import type { Database as Db, Statement } from 'better-sqlite3'
import type { IndexedEvent } from '../indexed.js'
import type { BodyStore } from './bodies.js'
import { blobRefsOf } from './blob-refs.js'
import type { FeedRow } from './registry.js'
import { blob, contentOf } from './rows.js'

/**
 * Writes one event's rows, within the writer's transaction. The same signed
 * event relayed in a second feed (or twice in one) is a duplicate: the first
 * copy stands. An accepted event's log-order key is the greatest (ts, id) of
 * its feed up to it (indexed.ts, inFeedOrder), carried in the feed's row,
 * as is the author of the feed's first event. Its refs and the blobs its body
 * names get a row each, so who refers to an event, or where a blob is named,
 * is an index lookup.
 */
export class Applier {
  private readonly insert: Statement
  private readonly insertRef: Statement
  private readonly insertBlob: Statement
  private lastAuthor: { hex: string, bytes: Buffer } = { hex: '', bytes: Buffer.alloc(0) }

  constructor (db: Db, private readonly bodies: BodyStore) {
    this.insert = db.prepare('INSERT OR IGNORE INTO events (id, type, author, ts, feed, seq, kts, kid, refs, boff, blen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    // OR IGNORE: an event may name the same target twice in its refs.
    this.insertRef = db.prepare('INSERT OR IGNORE INTO event_refs (target, event) VALUES (?, ?)')
    this.insertBlob = db.prepare('INSERT INTO blob_refs (hash, event) VALUES (?, ?)')
  }

  /** The event's row number (events.n); 0 when it is a duplicate (nothing written). `body`: its body as signed, when known. */
  apply (event: IndexedEvent, feed: FeedRow, body?: Uint8Array | null): number {
    const id = blob(event.id)
    // The feed's key stands while it is greater than (ts, id): bytes compare as their lowercase hex does.
    const keep = feed.kts !== null && feed.kid !== null && (feed.kts > event.ts || (feed.kts === event.ts && Buffer.compare(feed.kid, id) > 0))
    const kts = keep ? feed.kts as number : event.ts
    const kid = keep ? feed.kid as Buffer : id
    const content = contentOf(event, body)
    const at = this.bodies.place(content.body)
    const { changes, lastInsertRowid } = this.insert.run(id, event.type, this.author(event.author), event.ts, feed.n, event.seq, kts, kid, content.refs, at, content.body.byteLength)
    if (changes === 0) {
      this.bodies.unplace(at) // a duplicate: no row names it
      return 0
    }
    const n = Number(lastInsertRowid)
    feed.kts = kts
    feed.kid = kid
    feed.author ??= this.author(event.author)
    for (const ref of event.refs) this.insertRef.run(blob(ref), n)
    for (const ref of blobRefsOf(event.body)) this.insertBlob.run(blob(ref.hash), n)
    return n
  }

  /** The author's bytes: a frame's events are nearly all of one author, so the last is kept. */
  private author (hex: string): Buffer {
    if (hex !== this.lastAuthor.hex) this.lastAuthor = { hex, bytes: blob(hex) }
    return this.lastAuthor.bytes
  }
}
