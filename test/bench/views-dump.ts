// The views' file as comparable rows, for the kill -9 trials (crash.bench.ts):
// every table, with row numbers (events.n, feeds.n, series.n) replaced by
// the ids they stand for, since a home indexed frame by frame and its
// reindex may number rows in another order. What counts frames (meta
// version and generation, series.stamp) is left out. An event's body is
// compared by its bytes, read from the bodies file (not by where it lies
// there). The contentless search table is compared by what a few words find.
import Database from 'better-sqlite3'
import { closeSync, openSync, readSync } from 'node:fs'
import { bodiesPath } from '../../node/views/db/bodies.js'

const EVENT = (col: string): string => `(SELECT hex(id) FROM events WHERE n = ${col})`
const FEED = (col: string): string => `(SELECT hex(key) FROM feeds WHERE n = ${col})`

const TABLES: Record<string, string> = {
  feeds: 'SELECT hex(key), length, kts, hex(kid), hex(author) FROM feeds',
  event_refs: `SELECT hex(target), ${EVENT('event')} FROM event_refs`,
  blob_refs: `SELECT hex(hash), ${EVENT('event')} FROM blob_refs`,
  events: `SELECT hex(id), type, hex(author), ts, ${FEED('feed')}, seq, kts, hex(kid), hex(refs), boff, blen FROM events`,
  type_counts: 'SELECT type, n FROM type_counts',
  rejections: 'SELECT hex(feed), seq, idx, code, reason FROM rejections',
  meta: "SELECT key, value FROM meta WHERE key NOT IN ('version', 'generation', 'bodies_end')",
  results: `SELECT ${EVENT('event')}, hex(job), build, test_run, verdict, hex(reuses), metrics FROM results`,
  result_metrics: `SELECT name, ${EVENT('result')} FROM result_metrics`,
  tests: `SELECT name, ${EVENT('result')}, status, duration, pos FROM tests`,
  job_requests: `SELECT ${EVENT('event')}, hex(revision), inputs, baseline, scope, subject, tree, ts, hex(id) FROM job_requests`,
  job_answers: `SELECT hex(job), ${EVENT('event')} FROM job_answers`,
  job_claims: 'SELECT hex(runner), hex(job) FROM job_claims',
  feed_scopes: `SELECT ${FEED('feed')}, scope FROM feed_scopes`,
  event_scopes: 'SELECT hex(id), scope FROM event_scopes',
  scope_deps: `SELECT hex(target), hex(event), ${FEED('feed')}, answerable FROM scope_deps`,
  series_events: `SELECT ${EVENT('event')}, series FROM series_events`,
  series_replaces: `SELECT hex(old), ${EVENT('event')} FROM series_replaces`,
  series_keys: 'SELECT key, series FROM series_keys',
  reviews: `SELECT ${EVENT('event')}, hex(target), rkey FROM reviews`,
  decisions: `SELECT ${EVENT('event')}, hex(revision) FROM decisions`,
  merges: `SELECT ${EVENT('event')}, hex(revision) FROM merges`,
  series: 'SELECT id, project, state, sent, latest_ts, hex(latest_id), newest_ts FROM series',
  verified_before: 'SELECT hex(id) FROM verified_before' // empty once a rebuild has settled
}
const WORDS = ['fix', 'git', 'rtc', 'test', 'memory', 'xfs', 'reclaim']

/** Every table of the file (sorted rows, as JSON lines); throws on a table this dump does not know, so none is left unchecked. */
export function dumpViews (path: string): Record<string, string[]> {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'series_text%'").pluck().all() as string[]
    const unknown = tables.filter((t) => TABLES[t] === undefined)
    if (unknown.length > 0) throw new Error(`views-dump.ts does not know the tables ${unknown.join(', ')}: add them`)
    const out: Record<string, string[]> = {}
    for (const [table, sql] of Object.entries(TABLES)) out[table] = (db.prepare(sql).raw().all() as unknown[][]).map((r) => JSON.stringify(r)).sort()
    out.events = withBodies(path, db.prepare("SELECT value FROM meta WHERE key = 'generation'").pluck().get() as number, out.events ?? [])
    const find = db.prepare('SELECT s.id FROM series_text t JOIN series s ON s.n = t.rowid WHERE series_text MATCH ?').pluck()
    out.series_text = WORDS.map((w) => `${w}: ${(find.all(w) as string[]).sort().join(' ')}`)
    return out
  } finally {
    db.close()
  }
}

/** Events rows (JSON, boff and blen last) with their body's bytes in hex in place of where they lie. */
function withBodies (path: string, generation: number, rows: string[]): string[] {
  const fd = openSync(bodiesPath(path, generation), 'r')
  try {
    return rows.map((json) => {
      const row = JSON.parse(json) as unknown[]
      const [offset, length] = row.splice(-2) as [number, number]
      const body = Buffer.alloc(length)
      if (readSync(fd, body, 0, length, offset) !== length) throw new Error(`no body of ${length} bytes at ${offset}`)
      return JSON.stringify([...row, body.toString('hex')])
    }).sort()
  } finally {
    closeSync(fd)
  }
}

/** The tables two dumps disagree on, with a count of rows only one side has. */
export function dumpDiff (a: Record<string, string[]>, b: Record<string, string[]>): string[] {
  const out: string[] = []
  for (const table of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = new Set(a[table] ?? [])
    const y = new Set(b[table] ?? [])
    const onlyA = [...x].filter((r) => !y.has(r))
    const onlyB = [...y].filter((r) => !x.has(r))
    if (onlyA.length + onlyB.length > 0 || (a[table]?.length ?? 0) !== (b[table]?.length ?? 0)) out.push(`${table}: ${onlyA.length} rows only before the reindex (${onlyA[0]?.slice(0, 160) ?? ''}), ${onlyB.length} only after (${onlyB[0]?.slice(0, 160) ?? ''})`)
  }
  return out
}
