import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { SCHEMA_VERSION } from './schema.js'

/** What the views' file holds, read without opening the node: events indexed and one feed's checkpoint. */
export interface RecordedViews {
  events: number
  checkpoint: number
}

/**
 * The counts HOME/views.sqlite holds for `cairn id`, read-only and without
 * loading the store, the event decoder or its crypto. Null when the file is
 * missing or of another version: then only opening the node says.
 */
export function readRecordedViews (path: string, feed: string): RecordedViews | null {
  if (!existsSync(path)) return null
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    if (db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION) return null
    return db.transaction(() => ({
      events: (db.prepare('SELECT coalesce(sum(n), 0) AS n FROM type_counts').get() as { n: number }).n,
      checkpoint: (db.prepare('SELECT length FROM feeds WHERE key = ?').get(Buffer.from(feed, 'hex')) as { length: number } | undefined)?.length ?? 0
    })).deferred()
  } finally {
    db.close()
  }
}

/** The schema version of HOME/views.sqlite, when there is one: another than SCHEMA_VERSION means its views are rebuilt from the feeds on the next writable open. */
export function viewsVersion (path: string): number | null {
  if (!existsSync(path)) return null
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    return db.pragma('user_version', { simple: true }) as number
  } finally {
    db.close()
  }
}
