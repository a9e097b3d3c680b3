import type { Database as Db, Statement } from 'better-sqlite3'

/** Events per type, kept by the writer so `status` needs no count(*) over every row. */
export class TypeCounts {
  private readonly add: Statement
  private readonly all: Statement

  constructor (db: Db) {
    this.add = db.prepare('INSERT INTO type_counts (type, n) VALUES (?, ?) ON CONFLICT (type) DO UPDATE SET n = n + excluded.n')
    this.all = db.prepare('SELECT type, n FROM type_counts ORDER BY type')
  }

  /** Within the writer's transaction: a frame's events, counted per type. */
  record (types: Iterable<string>): void {
    const counts = new Map<string, number>()
    for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1)
    for (const [type, n] of counts) this.add.run(type, n)
  }

  byType (): Record<string, number> {
    const out: Record<string, number> = {}
    for (const { type, n } of this.all.all() as Array<{ type: string, n: number }>) out[type] = n
    return out
  }
}
