import type { Database as Db, Statement } from 'better-sqlite3'
import { blob } from './rows.js'

/** A feed's row: its number in `events.feed`, checkpoint, the log-order key of its latest event, and its first event's author. */
export interface FeedRow { n: number, length: number, kts: number | null, kid: Buffer | null, author: Buffer | null }

/** The `feeds` table: each indexed feed by key, with its checkpoint (blocks [0, length) indexed). */
export class FeedRegistry {
  private readonly find: Statement
  private readonly insert: Statement
  private readonly update: Statement
  private readonly lengths: Statement

  constructor (db: Db) {
    this.find = db.prepare('SELECT n, length, kts, kid, author FROM feeds WHERE key = ?')
    this.insert = db.prepare('INSERT INTO feeds (key, length) VALUES (?, 0)')
    this.update = db.prepare('UPDATE feeds SET length = ?, kts = ?, kid = ?, author = ? WHERE n = ?')
    this.lengths = db.prepare('SELECT key, length FROM feeds')
  }

  /** The feed's row, made on its first frame (writer only). */
  row (key: string): FeedRow {
    const found = this.find.get(blob(key)) as FeedRow | undefined
    if (found !== undefined) return found
    return { n: Number(this.insert.run(blob(key)).lastInsertRowid), length: 0, kts: null, kid: null, author: null }
  }

  save (row: FeedRow): void {
    this.update.run(row.length, row.kts, row.kid, row.author, row.n)
  }

  checkpoint (key: string): number {
    return (this.find.get(blob(key)) as FeedRow | undefined)?.length ?? 0
  }

  checkpoints (): Map<string, number> {
    return new Map((this.lengths.all() as Array<{ key: Buffer, length: number }>).map((r) => [r.key.toString('hex'), r.length]))
  }
}
