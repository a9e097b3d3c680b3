import Database from 'better-sqlite3'
import type { Database as Db } from 'better-sqlite3'
import { chmodSync, existsSync } from 'node:fs'

/** PRAGMA user_version of this release's file: any other (or no file) means "rebuild from the feeds". */
export const SCHEMA_VERSION = 14

/**
 * Phase 1 of docs/views-on-disk.md: the fold (events by id, type, author and
 * log order), checkpoints, rejections. `kts`/`kid` is the event's log-order
 * key (indexed.ts, inFeedOrder): the greatest (ts, id) of its feed up to it,
 * fixed when it is inserted, so `log --limit N` is an index range read.
 * feeds.author is the identity of the feed's first event (the first in log
 * order of its events). event_refs and blob_refs: which events name an
 * event in their refs, and which carry a BlobRef of a blob (applier.ts).
 * results, job_requests, job_answers and job_claims: job-rows.ts; tests: test-rows.ts; feed_scopes, event_scopes and
 * scope_deps: scope-rows.ts;
 * series and their side rows: series/rows.ts. verified_before: during a
 * rebuild, the EventIds the views held before it (db/writer.ts). An event's
 * body is in HOME/views.bodies.GEN at (boff, blen), meta.bodies_end the
 * committed end of that file (db/bodies.ts).
 */
/**
 * Pages of 16 KB rather than SQLite's 4 KB: the random EventId index and the
 * log-order indexes cost less to write a large frame (`npm run bench --
 * views-write`, bodies beside the file: 7.7 -> 5.7 us of CPU an event for
 * 100,000 notes in frames of 2,400), which is what sync and reindex write;
 * frames of 40 (live traffic) cost a little more (12.0 -> 12.9 us of CPU,
 * wall 15.5 -> 19.1), and 32 or 64 KB more again.
 */
const PAGE_SIZE = 16384

const SCHEMA = `
CREATE TABLE feeds (n INTEGER PRIMARY KEY, key BLOB NOT NULL UNIQUE, length INTEGER NOT NULL,
  kts INTEGER, kid BLOB, author BLOB);
CREATE TABLE events (n INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, type TEXT NOT NULL,
  author BLOB NOT NULL, ts INTEGER NOT NULL, feed INTEGER NOT NULL, seq INTEGER NOT NULL,
  kts INTEGER NOT NULL, kid BLOB NOT NULL, refs BLOB, boff INTEGER NOT NULL, blen INTEGER NOT NULL);
CREATE INDEX events_order ON events (kts, kid, n);
CREATE INDEX events_type ON events (type, n);
CREATE INDEX events_type_order ON events (type, kts, kid, n);
CREATE INDEX events_author_order ON events (author, kts, kid, n);
CREATE INDEX events_results ON events (ts, id) WHERE type = 'result';
CREATE TABLE event_refs (target BLOB NOT NULL, event INTEGER NOT NULL, PRIMARY KEY (target, event)) WITHOUT ROWID;
CREATE TABLE blob_refs (hash BLOB NOT NULL, event INTEGER NOT NULL, PRIMARY KEY (hash, event)) WITHOUT ROWID;
CREATE TABLE type_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE rejections (n INTEGER PRIMARY KEY, feed BLOB NOT NULL, seq INTEGER NOT NULL, idx INTEGER,
  code TEXT NOT NULL, reason TEXT NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE results (event INTEGER PRIMARY KEY, job BLOB, build TEXT NOT NULL, test_run TEXT NOT NULL, verdict TEXT NOT NULL, reuses BLOB,
  metrics INTEGER NOT NULL);
CREATE INDEX results_reuses ON results (reuses);
CREATE INDEX results_job ON results (job);
CREATE INDEX results_build ON results (build);
CREATE INDEX results_test_run ON results (test_run);
CREATE TABLE result_metrics (name TEXT NOT NULL, result INTEGER NOT NULL, PRIMARY KEY (name, result)) WITHOUT ROWID;
CREATE TABLE job_requests (event INTEGER PRIMARY KEY, revision BLOB, inputs TEXT NOT NULL, baseline TEXT,
  scope TEXT NOT NULL, subject TEXT NOT NULL, tree TEXT, ts INTEGER NOT NULL, id BLOB NOT NULL);
CREATE INDEX job_requests_order ON job_requests (ts, id);
CREATE INDEX job_requests_scope ON job_requests (scope);
CREATE INDEX job_requests_subject ON job_requests (subject);
CREATE INDEX job_requests_tree ON job_requests (tree) WHERE tree IS NOT NULL;
CREATE INDEX job_requests_inputs ON job_requests (inputs);
CREATE INDEX job_requests_baseline ON job_requests (baseline);
CREATE INDEX job_requests_revision ON job_requests (revision);
CREATE TABLE tests (name TEXT NOT NULL, result INTEGER NOT NULL, status TEXT NOT NULL, duration INTEGER, pos INTEGER NOT NULL,
  PRIMARY KEY (name, result)) WITHOUT ROWID;
CREATE INDEX tests_failing ON tests (result) WHERE status IN ('fail', 'error', 'xpass');
CREATE TABLE job_answers (job BLOB NOT NULL, event INTEGER NOT NULL, PRIMARY KEY (job, event)) WITHOUT ROWID;
CREATE TABLE job_claims (runner BLOB NOT NULL, job BLOB NOT NULL, PRIMARY KEY (runner, job)) WITHOUT ROWID;
CREATE TABLE feed_scopes (feed INTEGER NOT NULL, scope TEXT NOT NULL, PRIMARY KEY (feed, scope)) WITHOUT ROWID;
CREATE TABLE event_scopes (id BLOB NOT NULL, scope TEXT NOT NULL, PRIMARY KEY (id, scope)) WITHOUT ROWID;
CREATE TABLE scope_deps (target BLOB NOT NULL, event BLOB NOT NULL, feed INTEGER NOT NULL, answerable INTEGER NOT NULL,
  PRIMARY KEY (target, event)) WITHOUT ROWID;
CREATE TABLE series_events (event INTEGER PRIMARY KEY, series TEXT NOT NULL);
CREATE INDEX series_events_series ON series_events (series);
CREATE TABLE series_replaces (old BLOB NOT NULL, event INTEGER NOT NULL, PRIMARY KEY (old, event)) WITHOUT ROWID;
CREATE TABLE series_keys (key TEXT NOT NULL, series TEXT NOT NULL, PRIMARY KEY (key, series)) WITHOUT ROWID;
CREATE TABLE reviews (event INTEGER PRIMARY KEY, target BLOB NOT NULL, rkey TEXT NOT NULL);
CREATE INDEX reviews_target ON reviews (target);
CREATE INDEX reviews_rkey ON reviews (rkey);
CREATE TABLE decisions (event INTEGER PRIMARY KEY, revision BLOB NOT NULL);
CREATE INDEX decisions_revision ON decisions (revision);
CREATE TABLE merges (event INTEGER PRIMARY KEY, revision BLOB NOT NULL);
CREATE INDEX merges_revision ON merges (revision);
CREATE TABLE series (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, project TEXT NOT NULL, state TEXT NOT NULL,
  sent INTEGER NOT NULL, latest_ts INTEGER NOT NULL, latest_id BLOB NOT NULL, newest_ts INTEGER NOT NULL, stamp INTEGER NOT NULL);
CREATE INDEX series_order ON series (sent DESC, latest_ts DESC, latest_id DESC);
CREATE INDEX series_state ON series (state, sent DESC, latest_ts DESC, latest_id DESC);
CREATE INDEX series_stamp ON series (stamp);
CREATE INDEX series_newest ON series (newest_ts);
CREATE VIRTUAL TABLE series_text USING fts5 (subject, sender, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
INSERT INTO meta VALUES ('duplicates', 0), ('version', 0), ('generation', 0), ('bodies_end', 0);
CREATE TABLE verified_before (id BLOB PRIMARY KEY) WITHOUT ROWID;
`

/**
 * The views' database as opened: `indexes` when this process writes it (a
 * file it holds, or memory); `replaced`, the schema version of a file of
 * another release that was remade empty (null when none was).
 */
interface OpenedDb { db: Db, fresh: boolean, indexes: boolean, replaced: number | null }

/**
 * Open (and create, writable) HOME/views.sqlite: WAL, so readers beside the
 * writer see committed frames and never block it; synchronous NORMAL, so a
 * commit survives kill -9 without an fsync per frame (the feeds are the
 * truth; a power cut loses frames the indexer then indexes again). Another
 * version, or no file, is remade empty (`fresh`): the indexer rebuilds it.
 * Read-only (beside the process holding the home) the file is read as that
 * process commits it; when it is missing or of another version the views
 * are indexed in memory instead, as that process will rebuild its own.
 */
export function openDb (path: string, readOnly: boolean): OpenedDb {
  if (readOnly) {
    if (existsSync(path)) {
      const db = new Database(path, { readonly: true, fileMustExist: true })
      if (db.pragma('user_version', { simple: true }) === SCHEMA_VERSION) return { db, fresh: false, indexes: false, replaced: null }
      db.close()
    }
    return { db: memoryDb(), fresh: true, indexes: true, replaced: null }
  }
  const existed = existsSync(path)
  const db = new Database(path)
  chmodSync(path, 0o600) // -wal and -shm take the database file's mode
  if (!existed) db.pragma(`page_size = ${PAGE_SIZE}`) // fixed when the file is made: a file made before keeps its own
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  const version = existed ? db.pragma('user_version', { simple: true }) as number : null
  if (version === SCHEMA_VERSION) return { db, fresh: false, indexes: true, replaced: null }
  db.transaction(() => {
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>) {
      db.exec(`DROP TABLE IF EXISTS "${name}"`)
    }
    db.exec(SCHEMA)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
  })()
  return { db, fresh: true, indexes: true, replaced: version }
}

/** Views in memory, of this schema: a read-only open beside a holder whose file is not (yet) of this release; tests. */
export function memoryDb (): Db {
  const db = new Database(':memory:')
  db.exec(SCHEMA)
  return db
}
