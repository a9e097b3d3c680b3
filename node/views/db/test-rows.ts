import type { Database as Db, Statement } from 'better-sqlite3'
import { uniqueNames } from '../../../protocol/results.js'
import type { IndexedEvent } from '../indexed.js'

/**
 * A row per test of each result (name, status, duration, its place in the
 * result), so a test's history, the regressions and the flake ledger read
 * the rows of the tests they ask about instead of decoding every result
 * (each may hold thousands of tests). Failing rows are indexed by result:
 * regressions and flakes start from them. Names are made unique per result
 * as `results compare` does (protocol/results.ts, uniqueNames): a hostile
 * result's duplicate is a row of its own. Written with the event's row.
 */
export class TestRows {
  private readonly insert: Statement

  constructor (db: Db) {
    this.insert = db.prepare('INSERT OR IGNORE INTO tests (name, result, status, duration, pos) VALUES (?, ?, ?, ?, ?)')
  }

  /** `n`: the result's row (events.n). */
  apply (event: IndexedEvent, n: number): void {
    if (event.type !== 'result') return
    for (const [pos, t] of uniqueNames(event.body.tests).entries()) this.insert.run(t.name, n, t.status, t.duration ?? null, pos)
  }
}
