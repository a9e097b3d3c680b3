import type { Database as Db, Statement } from 'better-sqlite3'
import { foldIdentities, foldTrust } from '../../machines/trust.js'
import type { Identity } from '../../machines/trust.js'
import { isHex32 } from '../../protocol/hex.js'
import type { EventType, Role } from '../../protocol/schemas.js'
import { openBodies } from './db/bodies.js'
import type { BodyStore } from './db/bodies.js'
import { FeedRegistry } from './db/registry.js'
import { blob, EVENT_COLUMNS, eventOf } from './db/rows.js'
import type { EventRow } from './db/rows.js'
import { TypeCounts } from './db/type-counts.js'
import { ResultRows } from './result-rows.js'
import { SeriesStore } from './series/store.js'
import { ViewsWriter } from './db/writer.js'
import type { Frame, IndexedEvent, Rejection } from './indexed.js'

export type { Frame, IndexedEvent, Rejection } from './indexed.js'
export { byTsThenId } from './indexed.js'

/** Log order (indexed.ts, inFeedOrder), by the key each row keeps. */
const LOG_ORDER = 'e.kts, e.kid, e.n'
const NEWEST_FIRST = 'e.kts DESC, e.kid DESC, e.n DESC'

/** What `keyed` looks up through the side rows (db/job-rows.ts, series/rows.ts), and whether its key is an id (a BLOB) or text. */
const KEYED = {
  'result.job': ['JOIN results r ON r.event = e.n WHERE r.job = ?', 'id'],
  'result.build': ['JOIN results r ON r.event = e.n WHERE r.build = ?', 'text'],
  'result.testRun': ['JOIN results r ON r.event = e.n WHERE r.test_run = ?', 'text'],
  'job.revision': ['JOIN job_requests j ON j.event = e.n WHERE j.revision = ?', 'id'],
  'job.answers': ['JOIN job_answers a ON a.event = e.n WHERE a.job = ?', 'id'],
  'decision.revision': ['JOIN decisions d ON d.event = e.n WHERE d.revision = ?', 'id'],
  'merge.revision': ['JOIN merges m ON m.event = e.n WHERE m.revision = ?', 'id'],
  'review.target': ['JOIN reviews v ON v.event = e.n WHERE v.target = ?', 'id'],
  'series.events': ['JOIN series_events s ON s.event = e.n WHERE s.series = ?', 'text'],
  /** The series.revision events naming an EventId in `replaces`. */
  'series.replacedBy': ['JOIN series_replaces s ON s.event = e.n WHERE s.old = ?', 'id'],
  /** Jobs of these inputs (machines/job-inputs.ts, jobInputsKey; a baseline's name no revision). */
  'job.inputs': ['JOIN job_requests j ON j.event = e.n WHERE j.inputs = ?', 'text'],
  /** Series jobs whose baseline has these inputs. */
  'job.baseline': ['JOIN job_requests j ON j.event = e.n WHERE j.baseline = ?', 'text'],
  'result.reuses': ['JOIN results r ON r.event = e.n WHERE r.reuses = ?', 'id'],
  /** Results whose id, or whose job's id, starts with a hex prefix. */
  'result.idPrefix': ['JOIN results r ON r.event = e.n WHERE hex(e.id) LIKE ?', 'prefix'],
  'result.jobPrefix': ['JOIN results r ON r.event = e.n WHERE hex(r.job) LIKE ?', 'prefix'],
  'job.idPrefix': ['JOIN job_requests j ON j.event = e.n WHERE hex(j.id) LIKE ?', 'prefix']
} as const

/** What a page of results keeps: published at or after `since` (ms), of a verdict, build identity or job. */
export interface ResultFilter { since?: number, verdict?: string, build?: string, job?: string }

function resultWhere (filter: ResultFilter): { where: string[], params: unknown[] } {
  const where = ["e.type = 'result'"] // the results' (ts, id) index is partial: on this term
  const params: unknown[] = []
  if (filter.since !== undefined) { where.push('e.ts >= ?'); params.push(filter.since) }
  if (filter.verdict !== undefined) { where.push('r.verdict = ?'); params.push(filter.verdict) }
  if (filter.build !== undefined) { where.push('r.build = ?'); params.push(filter.build) }
  if (filter.job !== undefined) { where.push('r.job = ?'); params.push(/^[0-9a-f]{64}$/.test(filter.job) ? blob(filter.job) : null) }
  return { where, params }
}

/**
 * Local, derived, disposable views over the verified events, kept in
 * HOME/views.sqlite (views/db/): events by id, type, author and log order,
 * checkpoints, rejections. Only the indexer writes them, a frame per
 * transaction (db/writer.ts); opening a home reads no event back.
 * Derived indexes (series, jobs, results...) are folded from `ofType` rows
 * and cached per version (`derive`, derive-over.ts).
 */
export class Views {
  private readonly statements = new Map<string, Statement>()
  private readonly memos = new Map<string, { version: number, value: unknown }>()
  private readonly listeners = new Set<(event: IndexedEvent) => void>()
  /** Events decoded from their rows, by type, since open: what tests of a bounded read count. */
  readonly decoded = new Map<string, number>()
  private readonly registry: FeedRegistry
  private readonly counts: TypeCounts
  private readonly writer: ViewsWriter | null
  /** The events' bodies, beside the database (db/bodies.ts). */
  private readonly bodies: BodyStore
  /** Series, their revisions, reviews and state, from their rows (series/store.ts). */
  readonly series: SeriesStore
  /** Results and their tests as rows, read without decoding result bodies (result-rows.ts). */
  readonly resultRows: ResultRows

  /** indexes: this process writes the views (it holds the home, or they are in memory). */
  constructor (readonly root: string, private readonly db: Db, indexes: boolean) {
    this.registry = new FeedRegistry(db)
    this.counts = new TypeCounts(db)
    this.bodies = openBodies(db, indexes)
    this.series = new SeriesStore(db, () => this.trust, this.bodies)
    this.resultRows = new ResultRows(db)
    this.writer = indexes ? new ViewsWriter(db, this.registry, this.counts, this.series, this.bodies) : null
  }

  /** False beside the process that holds the home: it indexes, this one reads what it committed. */
  get indexes (): boolean {
    return this.writer !== null
  }

  /** Changes with every committed frame (in any process): derived indexes are valid for one version. */
  get version (): number {
    return this.meta('version')
  }

  /** Changes with every clear: rows numbered before it are gone. */
  get generation (): number {
    return this.meta('generation')
  }

  get duplicates (): number {
    return this.meta('duplicates')
  }

  get count (): number {
    return Object.values(this.countsByType()).reduce((a, b) => a + b, 0)
  }

  countsByType (): Record<string, number> {
    return this.counts.byType()
  }

  event (id: string): IndexedEvent | undefined {
    const row = this.q(`SELECT ${EVENT_COLUMNS} WHERE e.id = ?`).get(blob(id)) as EventRow | undefined
    return row === undefined ? undefined : this.decode(row)
  }

  has (id: string): boolean {
    return this.q('SELECT 1 FROM events WHERE id = ?').get(blob(id)) !== undefined
  }

  /** Events of a type, in the order they were indexed; `after`: only those indexed after row `after` (lastOfType). */
  ofType (type: EventType, after = 0): IndexedEvent[] {
    return this.rows(`WHERE e.type = ? AND e.n > ? ORDER BY e.n`, type, after)
  }

  /** The row number of the last event of `type` indexed (0: none): what ofType(type, after) continues from. */
  lastOfType (type: EventType): number {
    return (this.q('SELECT max(n) AS n FROM events WHERE type = ?').get(type) as { n: number | null }).n ?? 0
  }

  /** The events side rows name under `key` (results of a job, a job's answers...), oldest first by (ts, id), or by `arrival` (ofType's order). */
  keyed (what: keyof typeof KEYED, key: string, order: 'time' | 'arrival' = 'time'): IndexedEvent[] {
    const [join, kind] = KEYED[what]
    const param = kind === 'id' ? blob(key) : kind === 'prefix' ? `${key.toUpperCase()}%` : key
    return this.rows(`${join} ORDER BY ${order === 'time' ? 'e.ts, e.id' : 'e.n'}`, param)
  }

  /**
   * Job requests, oldest first by (ts, id), without a result of one of
   * `runners` that settles them (pass, reused, fail, error, apply-failed:
   * the job lifecycle's final states): the only jobs that can be queued,
   * claimed, running or aborted.
   */
  unsettledJobs (runners: readonly string[]): IndexedEvent[] {
    return this.rows(`JOIN job_requests j ON j.event = e.n WHERE NOT EXISTS (SELECT 1 FROM results r JOIN events x ON x.n = r.event
      WHERE r.job = e.id AND r.verdict IN ('pass', 'reused', 'fail', 'error', 'apply-failed') AND x.author IN (SELECT unhex(value) FROM json_each(?)))
      ORDER BY e.ts, e.id`, JSON.stringify(runners))
  }

  /**
   * Jobs here settled for good, counted by state and by the author of the
   * result that settled each: the first pass or fail of a trusted runner in
   * (ts, id) order, as the lifecycle machine takes it (done and failed are
   * final). Read from the results' rows; no job is folded, no body decoded.
   */
  settledJobCounts (runners: readonly string[]): Array<{ state: 'done' | 'failed', runner: string, n: number }> {
    const rows = this.q(`SELECT CASE WHEN verdict IN ('pass', 'reused') THEN 'done' ELSE 'failed' END AS state, author AS runner, count(*) AS n FROM (
        SELECT r.verdict, x.author, row_number() OVER (PARTITION BY r.job ORDER BY x.ts, x.id) AS k FROM results r JOIN events x ON x.n = r.event
        WHERE r.verdict IN ('pass', 'reused', 'fail', 'error', 'apply-failed') AND x.author IN (SELECT unhex(value) FROM json_each(?))
          AND r.job IN (SELECT je.id FROM job_requests j JOIN events je ON je.n = j.event))
      WHERE k = 1 GROUP BY 1, 2`).all(JSON.stringify(runners)) as Array<{ state: 'done' | 'failed', runner: Buffer, n: number }>
    return rows.map((r) => ({ state: r.state, runner: r.runner.toString('hex'), n: r.n }))
  }

  /** Up to `limit` job requests after `after` in (ts, id) order (the first ones when null): a page of every job, through job_requests' own order. */
  jobsAfter (after: { ts: number, id: string } | null, limit: number): IndexedEvent[] {
    if (after === null) return this.rows('JOIN job_requests j ON j.event = e.n ORDER BY j.ts, j.id LIMIT ?', limit)
    return this.rows('JOIN job_requests j ON j.event = e.n WHERE (j.ts, j.id) > (?, ?) ORDER BY j.ts, j.id LIMIT ?', after.ts, blob(after.id), limit)
  }

  /**
   * Up to `limit` results in (ts, id) order after `after` (newest first:
   * before it), through the results' own (ts, id) index: a page decodes
   * the results it holds, whatever the history.
   */
  resultsPage (filter: ResultFilter, at: { after: { ts: number, id: string } | null, newest: boolean, limit: number }): IndexedEvent[] {
    const { where, params } = resultWhere(filter)
    if (at.after !== null) { where.push(`(e.ts, e.id) ${at.newest ? '<' : '>'} (?, ?)`); params.push(at.after.ts, blob(at.after.id)) }
    const order = at.newest ? 'e.ts DESC, e.id DESC' : 'e.ts, e.id'
    // The planner, without statistics, would rather read every result by type and sort them.
    const page = `SELECT e.n FROM events e INDEXED BY events_results JOIN results r ON r.event = e.n WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`
    return this.rows(`WHERE e.n IN (${page}) ORDER BY ${order}`, ...params, at.limit)
  }

  /**
   * Results of jobs that tested a revision of a series, oldest first by
   * (ts, id): `series` is a series id, or a revision EventId or a prefix of
   * 8 or more hex characters of one. Through the job rows by revision.
   */
  resultsOfSeries (series: string): IndexedEvent[] {
    const [lo, hi] = /^[0-9a-f]{8,64}$/.test(series) ? [blob(series.padEnd(64, '0')), blob(series.padEnd(64, 'f'))] : [null, null]
    return this.rows(`JOIN results r ON r.event = e.n JOIN events je ON je.id = r.job JOIN job_requests j ON j.event = je.n
      WHERE j.revision BETWEEN ? AND ? OR j.revision IN (SELECT x.id FROM series_events s JOIN events x ON x.n = s.event WHERE s.series = ?)
      ORDER BY e.ts, e.id`, lo, hi, series)
  }

  /** How many results a filter keeps, counted from their rows. */
  resultsCount (filter: ResultFilter): number {
    const { where, params } = resultWhere(filter)
    return (this.q(`SELECT count(*) AS n FROM events e JOIN results r ON r.event = e.n WHERE ${where.join(' AND ')}`).get(...params) as { n: number }).n
  }

  /** The baseline job requests (no revision) of a profile, in arrival order: through the baselines' rows (a partial index), not every job. */
  baselineJobs (profile: string): IndexedEvent[] {
    return this.rows("WHERE e.n IN (SELECT event FROM job_requests WHERE tree IS NOT NULL AND json_extract(tree, '$[1]') = ?) ORDER BY e.n", profile)
  }

  /** The jobs `runner` (hex key) claimed itself, by id (db/job-rows.ts). */
  claimedBy (runner: string): string[] {
    return (this.q('SELECT job FROM job_claims WHERE runner = ? ORDER BY job').all(blob(runner)) as Array<{ job: Buffer }>).map((r) => r.job.toString('hex'))
  }

  /**
   * The first `limit` scopes of the events indexed from `feed` (hex key),
   * sorted (db/scope-rows.ts): the named ones (`project:P`, `list:L`), or the
   * `path:DIR` ones, each an index range.
   */
  scopesOf (feed: string, limit: number, kind: 'named' | 'path' = 'named'): string[] {
    const range = kind === 'path' ? "s.scope >= 'path:' AND s.scope < 'path;'" : "(s.scope < 'path:' OR s.scope >= 'path;')"
    return (this.q(`SELECT s.scope FROM feed_scopes s JOIN feeds f ON f.n = s.feed WHERE f.key = ? AND ${range} ORDER BY s.scope LIMIT ?`).all(blob(feed), limit) as Array<{ scope: string }>).map((r) => r.scope)
  }

  /**
   * Events in log order (indexed.ts), optionally filtered; `limit`: the last
   * so many; `afterTs`: only those whose log-order key is past this ts (for
   * one author's own feed, whose ts strictly increases, the events after the
   * one with that ts: an index range with `author`).
   */
  query (filter: { type?: string, author?: string, limit?: number, afterTs?: number } = {}): IndexedEvent[] {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.type !== undefined) { where.push('e.type = ?'); params.push(filter.type) }
    if (filter.author !== undefined) { where.push('e.author = ?'); params.push(blob(filter.author)) }
    if (filter.afterTs !== undefined) { where.push('e.kts > ?'); params.push(filter.afterTs) }
    const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`
    if (filter.limit === undefined) return this.rows(`${clause} ORDER BY ${LOG_ORDER}`, ...params)
    return this.rows(`${clause} ORDER BY ${NEWEST_FIRST} LIMIT ?`, ...params, filter.limit).reverse()
  }

  /**
   * Up to `limit` events in log order (as `query`), filtered by type and
   * author, after the event `after` names (newest first: before it), through
   * the log-order indexes: a page decodes the events it holds. `after` is
   * the last event of the page before, by id; one not here stands at its
   * (ts, id), as the log-order key of an event starts.
   */
  logPage (filter: { type?: string, author?: string }, at: { after: { ts: number, id: string } | null, newest: boolean, limit: number }): IndexedEvent[] {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.type !== undefined) { where.push('e.type = ?'); params.push(filter.type) }
    if (filter.author !== undefined) { where.push('e.author = ?'); params.push(blob(filter.author)) }
    if (at.after !== null) {
      const key = this.q('SELECT kts, kid, n FROM events WHERE id = ?').get(blob(at.after.id)) as { kts: number, kid: Buffer, n: number } | undefined
      const cmp = at.newest ? '<' : '>'
      if (key === undefined) { where.push(`(e.kts, e.kid) ${cmp} (?, ?)`); params.push(at.after.ts, blob(at.after.id)) } else { where.push(`(e.kts, e.kid, e.n) ${cmp} (?, ?, ?)`); params.push(key.kts, key.kid, key.n) }
    }
    const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`
    return this.rows(`${clause} ORDER BY ${at.newest ? NEWEST_FIRST : LOG_ORDER} LIMIT ?`, ...params, at.limit)
  }

  /** How many events there are of a type, an author or both (counted on their index, none decoded). */
  countOf (filter: { type?: string, author?: string }): number {
    if (filter.author === undefined) return filter.type === undefined ? this.count : this.countsByType()[filter.type] ?? 0
    const typed = filter.type === undefined ? '' : ' AND type = ?'
    return (this.q(`SELECT count(*) AS n FROM events WHERE author = ?${typed}`).get(blob(filter.author), ...(filter.type === undefined ? [] : [filter.type])) as { n: number }).n
  }

  /** The events (of a type and an author, if given) whose refs name `id`, in log order: event_refs rows, only the matches decoded. */
  referencing (id: string, filter: { type?: EventType, author?: string } = {}): IndexedEvent[] {
    if (!isHex32(id)) return []
    const where = ['r.target = ?']
    const params: unknown[] = [blob(id)]
    if (filter.type !== undefined) { where.push('e.type = ?'); params.push(filter.type) }
    if (filter.author !== undefined) { where.push('e.author = ?'); params.push(blob(filter.author)) }
    return this.rows(`JOIN event_refs r ON r.event = e.n WHERE ${where.join(' AND ')} ORDER BY ${LOG_ORDER}`, ...params)
  }

  /**
   * The events (of a type, if given) whose body carries a BlobRef of `hash`,
   * in log order or by arrival (`ofType`'s order), at most `limit`: blob_refs
   * rows, only the matches decoded.
   */
  carrying (hash: string, filter: { type?: EventType }, order: 'log' | 'arrival', limit = -1): IndexedEvent[] {
    if (!isHex32(hash)) return []
    const typed = filter.type === undefined ? '' : ' AND e.type = ?'
    return this.rows(`JOIN blob_refs b ON b.event = e.n WHERE b.hash = ?${typed} ORDER BY ${order === 'log' ? LOG_ORDER : 'e.n'} LIMIT ?`, blob(hash), ...(filter.type === undefined ? [] : [filter.type]), limit)
  }

  /** Each feed's author: the identity of its first event, kept in its row. Feeds without events (blobs cores) are absent. */
  firstAuthors (): Map<string, string> {
    const out = new Map<string, string>()
    for (const f of this.q('SELECT key, author FROM feeds WHERE author IS NOT NULL').all() as Array<{ key: Buffer, author: Buffer }>) {
      out.set(f.key.toString('hex'), f.author.toString('hex'))
    }
    return out
  }

  /** How many blocks of `feed` (hex key) have been indexed. */
  checkpoint (feed: string): number {
    return this.registry.checkpoint(feed)
  }

  checkpoints (): Map<string, number> {
    return this.registry.checkpoints()
  }

  /** Rejections in the order found; `limit`: the last so many. */
  rejections (limit?: number): Rejection[] {
    const sql = 'SELECT feed, seq, idx, code, reason FROM rejections'
    const rows = (limit === undefined ? this.q(`${sql} ORDER BY n`).all() : this.q(`${sql} ORDER BY n DESC LIMIT ?`).all(limit).reverse()) as Array<{ feed: Buffer, seq: number, idx: number | null, code: string, reason: string }>
    return rows.map((r) => ({ feed: r.feed.toString('hex'), seq: r.seq, ...(r.idx === null ? {} : { index: r.idx }), code: r.code, reason: r.reason }))
  }

  get rejectionCount (): number {
    return (this.q('SELECT count(*) AS n FROM rejections').get() as { n: number }).n
  }

  /**
   * A derived index (series by Message-ID, results by build identity...),
   * computed on demand and cached until the views change. It is computed
   * from one snapshot of the file (a reader beside the writer sees no frame
   * land half way). Domain views live in node/views/*.ts.
   */
  derive<T> (key: string, compute: (views: Views) => T): T {
    return this.read(() => {
      const version = this.version
      const memo = this.memos.get(key)
      if (memo !== undefined && memo.version === version) return memo.value as T
      const value = compute(this)
      this.memos.set(key, { version, value })
      return value
    })
  }

  /** Run `fn` on one snapshot of the views (nested calls join it). */
  read<T> (fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn).deferred()
  }

  /** Be told of every event as it enters the views (live pages, the daemon's policy loop). */
  subscribe (listener: (event: IndexedEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The indexer's step: the frame's rows and checkpoint in one transaction, then the listeners. */
  commit (frame: Frame): void {
    let accepted: IndexedEvent[]
    try {
      accepted = this.writable().commit(frame)
    } catch (err) {
      this.memos.clear() // made inside the rolled-back transaction
      throw err
    }
    for (const event of accepted) for (const listener of this.listeners) listener(event)
  }

  /**
   * Drop every view and checkpoint (reindex); the series rows wait for
   * `settle`. `keepVerified`: the EventIds held now stay known as verified
   * until then (knownBefore).
   */
  clear (keepVerified = true): void {
    this.writable().clear(keepVerified)
    this.memos.clear()
  }

  /** During a rebuild that kept them: whether every one of `ids` was in the views before it, its signature checked then. */
  knownBefore (ids: readonly string[]): boolean {
    return this.writer?.knownBefore(ids) ?? false
  }

  /** Whether a rebuild in progress kept the EventIds verified before it. */
  get rebuildingVerified (): boolean {
    return this.writer?.rebuildingVerified ?? false
  }

  /** After the frames of a rebuild (the indexer, once it has caught up): build the series rows, each once. */
  settle (): void {
    if (this.writer?.settle() === true) this.memos.clear()
  }

  close (): void {
    this.db.close()
    this.bodies.close()
  }

  /** Whether the bodies file holds less than the rows name (the machine stopped before writing it out): the views must be rebuilt. */
  get bodiesLost (): boolean {
    return this.bodies.lost
  }

  /** Trust as this node's own identity set it (machines/trust.ts is the one definition policies use too). */
  get trust (): Map<string, Set<Role>> {
    return this.derive('trust', (v) => foldTrust(v.ofType('trust.set'), v.root))
  }

  /** Names and emails identities claim for themselves (identity.link). */
  get identities (): Map<string, Identity> {
    return this.derive('identities', (v) => foldIdentities(v.ofType('identity.link')))
  }

  private writable (): ViewsWriter {
    if (this.writer === null) throw new Error('these views are read beside the process that writes them')
    return this.writer
  }

  private meta (key: string): number {
    return (this.q('SELECT value FROM meta WHERE key = ?').get(key) as { value: number }).value
  }

  private rows (where: string, ...params: unknown[]): IndexedEvent[] {
    return (this.q(`SELECT ${EVENT_COLUMNS} ${where}`).all(...params) as EventRow[]).map((r) => this.decode(r))
  }

  private decode (row: EventRow): IndexedEvent {
    this.decoded.set(row.type, (this.decoded.get(row.type) ?? 0) + 1)
    return eventOf(row, this.bodies)
  }

  private q (sql: string): Statement {
    let statement = this.statements.get(sql)
    if (statement === undefined) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }
}
