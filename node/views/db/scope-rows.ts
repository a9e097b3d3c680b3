import type { Database as Db, Statement } from 'better-sqlite3'
import type { IndexedEvent } from '../indexed.js'

/**
 * The projects and lists each feed's series revisions name (`project:P`,
 * `list:L`), one row per feed and scope, so a node finds its own feed's
 * scopes (net/scopes.ts, ownScopes: every command's status and every
 * announcement) without reading every revision. Written with the event's row.
 */
export class ScopeRows {
  private readonly insert: Statement

  constructor (db: Db) {
    this.insert = db.prepare('INSERT OR IGNORE INTO feed_scopes (feed, scope) VALUES (?, ?)')
  }

  /** `feed`: the feed's row (feeds.n) the event was indexed from. */
  apply (event: IndexedEvent, feed: number): void {
    if (event.type !== 'series.revision') return
    this.insert.run(feed, `project:${event.body.project}`)
    if (event.body.source.list !== undefined) this.insert.run(feed, `list:${event.body.source.list}`)
  }
}
