import type { Database as Db, Statement, Transaction } from 'better-sqlite3'
import type { Frame, IndexedEvent } from '../indexed.js'
import { Applier } from './applier.js'
import { JobRows } from './job-rows.js'
import { ScopeRows } from './scope-rows.js'
import { TestRows } from './test-rows.js'
import type { FeedRegistry } from './registry.js'
import { SeriesRows } from '../series/rows.js'
import type { SeriesStore } from '../series/store.js'
import { blob } from './rows.js'
import type { TypeCounts } from './type-counts.js'
import type { BodyStore } from './bodies.js'

/** Series rows made again per transaction when a bulk rebuild settles. */
const SETTLE_SERIES = 256

/**
 * The views' one writer. A frame (one feed's events and rejections up to its
 * new checkpoint) is one transaction: its rows and the checkpoint commit
 * together, so a crash between frames loses nothing and repeats nothing.
 *
 * After a clear (reindex, a rebuild on open) the frames write the series'
 * side rows but not the series rows, which would be built again in every
 * frame that touches the series; `settle` builds each once when the indexer
 * has caught up. `meta.series_pending` says a rebuild has not settled yet: it
 * is set with the clear and cleared with the last series row, so a rebuild
 * killed anywhere settles after the next pass.
 *
 * A clear keeps the EventIds the views held (verified_before) until the
 * rebuild settles: an EventId hashes an event's payload and signature, so a
 * block whose every EventId is among them holds bytes whose signatures were
 * checked before, and the indexer need not check them again (indexer.ts).
 */
export class ViewsWriter {
  private readonly commitTx: Transaction<(frame: Frame) => IndexedEvent[]>
  private readonly clearTx: Transaction<(keepVerified: boolean) => void>
  private readonly isVerified: Statement
  private readonly anyVerified: Statement
  /** Whether verified_before holds EventIds (a rebuild that kept them has not settled). */
  private verifiedBefore: boolean
  private readonly settleTx: Transaction<(after: string) => string | null>
  /** meta.series_pending as this writer last wrote it (the only writer). */
  private pending: boolean
  private readonly scopeRows: ScopeRows
  private readonly generation: Statement

  constructor (db: Db, registry: FeedRegistry, counts: TypeCounts, series: SeriesStore, private readonly bodies: BodyStore) {
    const applier = new Applier(db, bodies)
    const jobRows = new JobRows(db)
    const testRows = new TestRows(db)
    const scopeRows = this.scopeRows = new ScopeRows(db)
    const seriesRows = new SeriesRows(db, series)
    const version: Statement = db.prepare("SELECT value FROM meta WHERE key = 'version'")
    const reject: Statement = db.prepare('INSERT INTO rejections (feed, seq, idx, code, reason) VALUES (?, ?, ?, ?, ?)')
    const bump: Statement = db.prepare('UPDATE meta SET value = value + ? WHERE key = ?')
    const setMeta: Statement = db.prepare('UPDATE meta SET value = ? WHERE key = ?')
    this.generation = db.prepare("SELECT value FROM meta WHERE key = 'generation'").pluck()
    // Not in every file of this schema version: a file written before it holds no row (0).
    const setPending: Statement = db.prepare("INSERT INTO meta (key, value) VALUES ('series_pending', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    this.pending = (db.prepare("SELECT value FROM meta WHERE key = 'series_pending'").pluck().get() as number | undefined ?? 0) !== 0
    this.isVerified = db.prepare('SELECT 1 FROM verified_before WHERE id = ?').pluck()
    this.anyVerified = db.prepare('SELECT 1 FROM verified_before LIMIT 1')
    this.verifiedBefore = this.anyVerified.get() !== undefined
    this.commitTx = db.transaction((frame: Frame) => {
      const feed = registry.row(frame.feed)
      const accepted = frame.events.filter((e, i) => {
        const n = applier.apply(e, feed, frame.bodies?.[i])
        if (n !== 0) {
          jobRows.apply(e, n)
          testRows.apply(e, n)
          scopeRows.apply(e, feed.n)
          seriesRows.apply(e, n, !this.pending)
        }
        return n !== 0
      })
      for (const r of frame.rejected) reject.run(blob(r.feed), r.seq, r.index ?? null, r.code, r.reason)
      feed.length = frame.length
      registry.save(feed)
      counts.record(accepted.map((e) => e.type))
      if (accepted.length < frame.events.length) bump.run(frame.events.length - accepted.length, 'duplicates')
      bump.run(1, 'version')
      // Series rows last: their state reads the frame's jobs, results and trust at the new version.
      if (!this.pending) seriesRows.finish((version.get() as { value: number }).value)
      setMeta.run(bodies.flush(), 'bodies_end') // the bodies written before COMMIT, their end committed with the rows
      return accepted
    })
    this.settleTx = db.transaction((after: string) => {
      if (after === '') db.exec('DELETE FROM verified_before') // the frames are all written
      const ids = seriesRows.seriesAfter(after, SETTLE_SERIES)
      bump.run(1, 'version')
      seriesRows.writeAll(ids, (version.get() as { value: number }).value)
      if (ids.length < SETTLE_SERIES) setPending.run(0)
      return ids.length < SETTLE_SERIES ? null : ids[ids.length - 1] as string
    })
    this.clearTx = db.transaction((keepVerified: boolean) => {
      // Sorted: appended to the B-tree. Kept across a rebuild killed before it settled.
      db.exec(keepVerified ? 'INSERT OR IGNORE INTO verified_before SELECT id FROM events ORDER BY id' : 'DELETE FROM verified_before')
      for (const table of ['events', 'event_refs', 'blob_refs', 'feeds', 'type_counts', 'rejections', 'results', 'result_metrics', 'tests', 'job_requests', 'job_answers', 'job_claims', 'feed_scopes', 'event_scopes', 'scope_deps', 'series_events', 'series_replaces', 'series_keys', 'reviews', 'decisions', 'merges', 'series', 'series_text']) db.exec(`DELETE FROM ${table}`)
      db.exec("UPDATE meta SET value = 0 WHERE key = 'duplicates'")
      setMeta.run(0, 'bodies_end')
      bump.run(1, 'version')
      bump.run(1, 'generation')
      setPending.run(1)
    })
  }

  /** Commit a frame (BEGIN IMMEDIATE); returns its events that were new to the views. */
  commit (frame: Frame): IndexedEvent[] {
    let accepted: IndexedEvent[]
    try {
      accepted = this.commitTx.immediate(frame)
    } catch (err) {
      this.scopeRows.forget()
      this.bodies.settle(false)
      throw err
    }
    this.bodies.settle(true)
    return accepted
  }

  /**
   * Drop every view and checkpoint in one transaction: the indexer applies
   * every frame again, then settles. `keepVerified`: keep the EventIds held
   * until then, so signatures checked before are not checked again.
   */
  clear (keepVerified: boolean): void {
    this.clearTx.immediate(keepVerified)
    this.bodies.restart(this.generation.get() as number)
    this.scopeRows.forget()
    this.pending = true
    this.verifiedBefore = this.anyVerified.get() !== undefined
  }

  /** Whether a rebuild holds EventIds verified before it (knownBefore can say yes). */
  get rebuildingVerified (): boolean {
    return this.verifiedBefore
  }

  /** Whether every one of `ids` was in the views before the rebuild in progress (their signatures were checked then). */
  knownBefore (ids: readonly string[]): boolean {
    return this.verifiedBefore && ids.every((id) => this.isVerified.get(blob(id)) !== undefined)
  }

  /** After a rebuild's frames: every series row built once, SETTLE_SERIES a transaction. False when there was nothing to settle. */
  settle (): boolean {
    if (!this.pending) return false
    for (let after: string | null = ''; after !== null;) after = this.settleTx.immediate(after)
    this.pending = false
    this.verifiedBefore = false
    return true
  }
}
