// The views-db bench's candidates behind one interface: what the indexer
// writes (a frame with its checkpoint, in one transaction) and what the CLI
// asks. SQLite is here; the key-value candidates are in views-db-kv.ts.
// Each package is loaded by name at run time, so a candidate that is not
// installed is skipped with the command that installs it.
import { join } from 'node:path'
import { FEEDS, feedKey } from './views-db-workload.js'
import type { BenchFrame } from './views-db-workload.js'

export interface EventRow { id: string, type: string, author: string, ts: number, feed: number, seq: number, index: number, body: Uint8Array }
export interface TestRow { name: string, status: number, duration: number }
export interface HistoryRow { result: string, status: number }

export interface ViewsStore {
  /** The frame's events, their index rows and the feed's checkpoint, committed together or not at all. */
  writeFrame: (frame: BenchFrame) => Promise<void> | void
  /** Per feed, in feed order. */
  checkpoints: () => Promise<number[]>
  event: (id: Buffer) => Promise<EventRow | null>
  /** Newest first by (ts, id), of one type or of all. */
  newest: (limit: number, type?: string) => Promise<EventRow[]>
  byMessageId: (messageId: string) => Promise<EventRow | null>
  testsOf: (result: Buffer) => Promise<TestRow[]>
  /** One test's status in every result that ran it, oldest first. */
  history: (name: string) => Promise<HistoryRow[]>
  /** Rows per table or index, and any fault the store's own check finds: the kill -9 trial compares them with what the checkpoints cover. */
  audit: () => Promise<{ counts: Record<string, number>, faults: string[] }>
  close: () => Promise<void> | void
}

export interface Candidate {
  name: string
  /** The npm package it needs. */
  pkg: string
  /** raw: events by id and checkpoints only, the reference for what the secondary indexes cost. */
  open: (dir: string, opts: { raw: boolean }) => Promise<ViewsStore>
}

/** Load an optional package by name (it may not be installed: only the chosen store is a dependency). */
export async function load (pkg: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const mod = await import(pkg)
  return mod.default ?? mod
}

interface Statement { run: (...a: unknown[]) => { lastInsertRowid: number | bigint }, get: (...a: unknown[]) => unknown, all: (...a: unknown[]) => unknown[] }
interface Sqlite { prepare: (sql: string) => Statement, exec: (sql: string) => void, pragma: (p: string) => unknown, transaction: <A>(fn: (a: A) => void) => (a: A) => void, close: () => void }

const EVENTS_SQL = 'CREATE TABLE IF NOT EXISTS events (n INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, type TEXT NOT NULL, author BLOB NOT NULL, ts INTEGER NOT NULL, feed INTEGER NOT NULL, seq INTEGER NOT NULL, idx INTEGER NOT NULL, body BLOB NOT NULL);' +
  'CREATE TABLE IF NOT EXISTS checkpoints (feed BLOB PRIMARY KEY, length INTEGER NOT NULL) WITHOUT ROWID;'
const INDEX_SQL = `
  CREATE INDEX IF NOT EXISTS events_ts ON events (ts, id);
  CREATE INDEX IF NOT EXISTS events_type_ts ON events (type, ts, id);
  CREATE INDEX IF NOT EXISTS events_author_ts ON events (author, ts, id);
  CREATE TABLE IF NOT EXISTS message_ids (mid TEXT PRIMARY KEY, event INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS test_names (n INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
  CREATE TABLE IF NOT EXISTS tests (result INTEGER NOT NULL, name INTEGER NOT NULL, status INTEGER NOT NULL, duration INTEGER NOT NULL, PRIMARY KEY (result, name)) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS tests_by_name ON tests (name, result, status);`
const COLUMNS = 'e.id, e.type, e.author, e.ts, e.feed, e.seq, e.idx, e.body'

interface SqlEvent { id: Buffer, type: string, author: Buffer, ts: number, feed: number, seq: number, idx: number, body: Buffer }
const toRow = (r: SqlEvent | undefined): EventRow | null => r === undefined
  ? null
  : { id: r.id.toString('hex'), type: r.type, author: r.author.toString('hex'), ts: r.ts, feed: r.feed, seq: r.seq, index: r.idx, body: r.body }

/** better-sqlite3 12.x, WAL, synchronous=NORMAL, 64 MB page cache: a commit survives kill -9 (not a power cut) without an fsync per frame. */
export const sqlite: Candidate = {
  name: 'sqlite',
  pkg: 'better-sqlite3',
  async open (dir, { raw }) {
    const Database = await load('better-sqlite3')
    const db: Sqlite = new Database(join(dir, 'views.sqlite'))
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    // 64 MB of page cache (the default is 2 MB): the id and author indexes take random inserts, and lmdb and rocksdb get the OS's cache or their own.
    db.pragma('cache_size = -65536')
    db.exec(EVENTS_SQL + (raw ? '' : INDEX_SQL))
    const q = (sql: string): Statement => db.prepare(sql)
    const insertEvent = q('INSERT INTO events (id, type, author, ts, feed, seq, idx, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    const setCheckpoint = q('INSERT OR REPLACE INTO checkpoints (feed, length) VALUES (?, ?)')
    const index = raw ? null : indexStatements(q)
    const write = db.transaction((frame: BenchFrame) => {
      for (const e of frame.events) {
        const n = insertEvent.run(e.id, e.type, e.author, e.ts, e.feed, e.seq, e.index, e.body).lastInsertRowid
        if (index === null) continue
        if (e.messageId !== undefined) index.insertMid.run(e.messageId, n)
        for (const t of e.tests ?? []) index.insertTest.run(n, index.nameId(t.name), t.status, t.duration)
      }
      setCheckpoint.run(feedKey(frame.feed), frame.length)
    })
    const event = q(`SELECT ${COLUMNS} FROM events e WHERE e.id = ?`)
    const newestAll = q(`SELECT ${COLUMNS} FROM events e ORDER BY e.ts DESC, e.id DESC LIMIT ?`)
    const newestOfType = q(`SELECT ${COLUMNS} FROM events e WHERE e.type = ? ORDER BY e.ts DESC, e.id DESC LIMIT ?`)
    const checkpoint = q('SELECT length FROM checkpoints WHERE feed = ?')
    const count = (table: string): number => (q(`SELECT count(*) AS c FROM ${table}`).get() as { c: number }).c
    return {
      writeFrame: (frame) => write(frame),
      checkpoints: async () => Array.from({ length: FEEDS }, (_, f) => (checkpoint.get(feedKey(f)) as { length: number } | undefined)?.length ?? 0),
      event: async (id) => toRow(event.get(id) as SqlEvent | undefined),
      newest: async (limit, type) => (type === undefined ? newestAll.all(limit) : newestOfType.all(type, limit)).map((r) => toRow(r as SqlEvent) as EventRow),
      byMessageId: async (mid) => toRow(index?.byMid.get(mid) as SqlEvent | undefined),
      testsOf: async (result) => index?.testsOf.all(result) as TestRow[],
      history: async (name) => (index?.history.all(name) as Array<{ result: Buffer, status: number }>).map((r) => ({ result: r.result.toString('hex'), status: r.status })),
      audit: async () => {
        const faults = (q('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>).map((r) => r.integrity_check).filter((s) => s !== 'ok')
        const events = count('events')
        // integrity_check proves every index holds exactly its table's rows.
        const counts = { events, byTs: events, byType: events, byAuthor: events, messageIds: count('message_ids'), tests: count('tests'), history: count('tests') }
        return { counts, faults }
      },
      close: () => db.close()
    }
  }
}

function indexStatements (q: (sql: string) => Statement): { insertMid: Statement, insertTest: Statement, byMid: Statement, testsOf: Statement, history: Statement, nameId: (name: string) => number } {
  const names = new Map<string, number>()
  const findName = q('SELECT n FROM test_names WHERE name = ?')
  const insertName = q('INSERT INTO test_names (name) VALUES (?)')
  return {
    insertMid: q('INSERT INTO message_ids (mid, event) VALUES (?, ?)'),
    insertTest: q('INSERT INTO tests (result, name, status, duration) VALUES (?, ?, ?, ?)'),
    byMid: q(`SELECT ${COLUMNS} FROM message_ids m JOIN events e ON e.n = m.event WHERE m.mid = ?`),
    testsOf: q('SELECT n.name, t.status, t.duration FROM tests t JOIN test_names n ON n.n = t.name WHERE t.result = (SELECT n FROM events WHERE id = ?) ORDER BY t.name'),
    history: q('SELECT e.id AS result, t.status FROM tests t JOIN events e ON e.n = t.result WHERE t.name = (SELECT n FROM test_names WHERE name = ?) ORDER BY e.ts, e.id'),
    // The writer's cache of interned names; a miss (a name new to this process) asks the table.
    nameId: (name) => {
      let n = names.get(name)
      if (n === undefined) {
        n = (findName.get(name) as { n: number } | undefined)?.n ?? Number(insertName.run(name).lastInsertRowid)
        names.set(name, n)
      }
      return n
    }
  }
}
