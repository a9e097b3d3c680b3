import type { Database as Db, Statement } from 'better-sqlite3'
import { byTsThenId } from '../indexed.js'
import type { IndexedEvent } from '../indexed.js'
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

  constructor (db: Db) {
    this.insert = db.prepare('INSERT OR IGNORE INTO events (id, type, author, ts, feed, seq, kts, kid, refs, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    // OR IGNORE: an event may name the same target twice in its refs.
    this.insertRef = db.prepare('INSERT OR IGNORE INTO event_refs (target, event) VALUES (?, ?)')
    this.insertBlob = db.prepare('INSERT INTO blob_refs (hash, event) VALUES (?, ?)')
  }

  /** The event's row number (events.n); 0 when it is a duplicate (nothing written). `body`: its body as signed, when known. */
  apply (event: IndexedEvent, feed: FeedRow, body?: Uint8Array | null): number {
    const key = feed.kts !== null && feed.kid !== null && byTsThenId({ ts: feed.kts, id: feed.kid.toString('hex') }, event) > 0
      ? { kts: feed.kts, kid: feed.kid }
      : { kts: event.ts, kid: blob(event.id) }
    const content = contentOf(event, body)
    const { changes, lastInsertRowid } = this.insert.run(blob(event.id), event.type, blob(event.author), event.ts, feed.n, event.seq, key.kts, key.kid, content.refs, content.body)
    if (changes === 0) return 0
    const n = Number(lastInsertRowid)
    feed.kts = key.kts
    feed.kid = key.kid
    feed.author ??= blob(event.author)
    for (const ref of event.refs) this.insertRef.run(blob(ref), n)
    for (const ref of blobRefsOf(event.body)) this.insertBlob.run(blob(ref.hash), n)
    return n
  }
}
