import Database from 'better-sqlite3'
import type { Database as Db } from 'better-sqlite3'
import { chmodSync, existsSync, unlinkSync } from 'node:fs'
import { FrameLog } from '../../../node/storage/frame-log.js'
import type { MailRecord } from './mail-record.js'
import { SENDER_TABLES } from './sender-ties.js'

/** PRAGMA user_version of the bridge state's file. */
const SCHEMA_VERSION = 1

/**
 * The email bridge's state on disk (HOME/email/state.sqlite), read by
 * index so that opening it costs nothing with history:
 * - mails: every mail read, by its index in reading order (`i`), with its
 *   raw hash, Message-ID and content hash (for copies) and its part;
 * - parts: the archive's parts (clusters of mails sharing a grouping key,
 *   series/keys.ts) with their size and the tally last published for them;
 * - keys: a grouping key -> the first mail that had it;
 * - blobs: blob hash -> ref, so the same content is stored once;
 * - cursors: public-inbox epoch -> last commit read;
 * - meta: `grouped` (mails before it are grouped and published);
 * - the sender ties' tables (sender-ties.ts SENDER_TABLES), added since
 *   version 1 and made when missing.
 */
const SCHEMA = `
CREATE TABLE mails (i INTEGER PRIMARY KEY, hash TEXT NOT NULL, message_id TEXT, content TEXT, part INTEGER, rec BLOB NOT NULL);
CREATE INDEX mails_hash ON mails (hash);
CREATE INDEX mails_copy ON mails (message_id, content, i);
CREATE INDEX mails_part ON mails (part, i);
CREATE TABLE parts (id INTEGER PRIMARY KEY, size INTEGER NOT NULL, series INTEGER NOT NULL DEFAULT 0,
  revisions INTEGER NOT NULL DEFAULT 0, replies INTEGER NOT NULL DEFAULT 0, trailers INTEGER NOT NULL DEFAULT 0, raw INTEGER NOT NULL DEFAULT 0);
CREATE TABLE keys (key TEXT PRIMARY KEY, mail INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE blobs (hash TEXT PRIMARY KEY, ref BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE cursors (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta VALUES ('grouped', 0);
`


/** One frame of the state log the bridge kept before (state.log): read once, to migrate. */
interface LogFrame {
  mails: MailRecord[]
  cursors?: Record<string, string>
  grouped?: number
  parts?: Array<[number, unknown]>
}

/**
 * Open (creating) the bridge's database. WAL with synchronous NORMAL, as the
 * views: a transaction survives kill -9; a power cut may lose the last ones,
 * whose mails are simply read again from their source. A file of another
 * version (or none, or one whose creation was cut short) is made empty and
 * `fresh`: the caller fills it, from a state.log of an earlier release when
 * there is one (`logFrames`), and stamps it with `stampBridgeDb` in the same
 * transaction, so a kill -9 mid-migration migrates again.
 */
export function openBridgeDb (path: string): { db: Db, fresh: boolean, tiesMissing: boolean } {
  const db = new Database(path)
  chmodSync(path, 0o600)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  if (db.pragma('user_version', { simple: true }) === SCHEMA_VERSION) {
    // the sender ties' tables are made with their backfill, in one transaction (BridgeState)
    const ties = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sittings'").get() !== undefined
    return { db, fresh: false, tiesMissing: !ties }
  }
  db.transaction(() => {
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>) {
      db.exec(`DROP TABLE IF EXISTS "${name}"`)
    }
    db.exec(SCHEMA)
    db.exec(SENDER_TABLES)
  })()
  return { db, fresh: true, tiesMissing: false }
}

export function stampBridgeDb (db: Db): void {
  db.pragma(`user_version = ${SCHEMA_VERSION}`)
}

/** The frames of an earlier release's state.log (none when there is no such file). */
export function logFrames (logPath: string): LogFrame[] {
  if (!existsSync(logPath)) return []
  const log = new FrameLog<LogFrame>(logPath, { readOnly: true })
  try {
    return log.read().frames.map((f) => f.frame)
  } finally {
    log.close()
  }
}

/** After the migration's commit: the log is in the database. */
export function dropLog (logPath: string): void {
  if (existsSync(logPath)) unlinkSync(logPath)
}
