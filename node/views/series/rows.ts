/**
 * The series rows, written by the views' writer in each frame's transaction:
 * side rows for every series.revision, review, decision and merge, then
 * the row of every series the frame's events may change (its list order and
 * state) made again from its own rows; during a rebuild, each series once
 * when it settles (db/writer.ts). Events arrive in any order across
 * feeds; a series row depends only on the rows present, so any order of
 * arrival gives the same rows (test/node/series-rows.test.ts).
 */
import type { Database as Db, Statement } from 'better-sqlite3'
import type { IndexedEvent } from '../indexed.js'
import { blob } from '../db/rows.js'
import { statementCache } from './build.js'
import { sentAt } from './model.js'
import type { RevisionEvent } from './model.js'
import type { SeriesStore } from './store.js'
import { seriesText } from './text.js'

/** How many events of a `replaces` graph one arrival looks through for the series it changes. */
const COMPONENT = 1024

// One review per (author, Message-ID): a bridge republishes a reply it regrouped, the latest counts.
const reviewKey = (e: IndexedEvent & { type: 'review' }): string => e.body.messageId === undefined ? e.id : `${e.author}\u0000${e.body.messageId}`

export class SeriesRows {
  private readonly q: (sql: string) => Statement
  /** Series whose rows the frame may change; `all`: every one (trust changed). */
  private touched = new Set<string>()
  private all = false
  /** Series whose revisions the frame may change: their searched text is written again. */
  private retext = new Set<string>()

  constructor (db: Db, private readonly store: SeriesStore) {
    this.q = statementCache(db)
  }

  /**
   * `n`: the event's row (events.n). `track`: mark the series the event may
   * change, for finish; a bulk rebuild (writeAll after the last frame) needs only the side rows.
   */
  apply (event: IndexedEvent, n: number, track = true): void {
    switch (event.type) {
      case 'series.revision': return this.revision(event as RevisionEvent, n, track)
      case 'review':
        this.q('INSERT INTO reviews (event, target, rkey) VALUES (?, ?, ?)').run(n, blob(event.body.target.revision), reviewKey(event))
        // The review that counted before for the same key may target another revision: both series change.
        if (track) for (const r of this.q('SELECT target FROM reviews WHERE rkey = ?').all(reviewKey(event)) as Array<{ target: Buffer }>) this.touch(r.target.toString('hex'))
        return
      case 'decision':
        this.q('INSERT INTO decisions (event, revision) VALUES (?, ?)').run(n, blob(event.body.revision))
        if (track) this.touch(event.body.revision)
        return
      case 'merge':
        this.q('INSERT INTO merges (event, revision) VALUES (?, ?)').run(n, blob(event.body.revision))
        if (track) this.touch(event.body.revision)
        return
    }
    if (!track) return
    switch (event.type) {
      case 'job.request':
        if (event.body.revision !== undefined) this.touch(event.body.revision)
        return
      case 'result': {
        const job = event.body.job === undefined ? undefined : this.q('SELECT revision FROM job_requests j JOIN events e ON e.n = j.event WHERE e.id = ?').get(blob(event.body.job)) as { revision: Buffer | null } | undefined
        if (job?.revision != null) this.touch(job.revision.toString('hex'))
        return
      }
      case 'trust.set':
        this.all = true
    }
  }

  /** After the frame's events: make the touched series' rows again, stamped with the views' version. */
  finish (version: number): void {
    const ids = this.all ? (this.q('SELECT id FROM series').all() as Array<{ id: string }>).map((r) => r.id) : [...this.touched]
    const retext = this.retext
    this.touched = new Set()
    this.retext = new Set()
    this.all = false
    for (const id of ids.sort()) this.write(id, version, retext.has(id))
  }

  /** Every series with events, in id order: the series ids after `after`, at most `limit`. */
  seriesAfter (after: string, limit: number): string[] {
    return this.q('SELECT DISTINCT series FROM series_events WHERE series > ? ORDER BY series LIMIT ?').pluck().all(after, limit) as string[]
  }

  /** Make these series' rows and search text again from their rows (a bulk rebuild: nothing was tracked). */
  writeAll (ids: readonly string[], version: number): void {
    for (const id of ids) this.write(id, version, true)
  }

  private revision (e: RevisionEvent, n: number, track: boolean): void {
    this.q('INSERT INTO series_events (event, series) VALUES (?, ?)').run(n, e.body.series)
    for (const old of e.body.replaces ?? []) this.q('INSERT OR IGNORE INTO series_replaces (old, event) VALUES (?, ?)').run(blob(old), n)
    const key = this.q('INSERT OR IGNORE INTO series_keys (key, series) VALUES (?, ?)')
    for (const m of e.body.source.messageIds) key.run(`m:${m}`, e.body.series)
    if (e.body.changeId !== undefined) key.run(`c:${e.body.changeId}`, e.body.series)
    if (!track) return
    this.touched.add(e.body.series)
    this.retext.add(e.body.series)
    if ((e.body.replaces ?? []).length > 0 || this.q('SELECT 1 FROM series_replaces WHERE old = ?').get(blob(e.id)) !== undefined) {
      for (const series of this.component(e)) { this.touched.add(series); this.retext.add(series) }
    }
  }

  /**
   * The series of every event linked to `e` by `replaces`, either way: an
   * event retired, or no longer retired into the same chain, moves its
   * revision (and the reviews naming it) from one of them to another.
   */
  private component (e: RevisionEvent): Set<string> {
    const seen = new Set([e.id])
    const series = new Set<string>()
    const queue = [e.id]
    for (let id = queue.shift(); id !== undefined && seen.size < COMPONENT; id = queue.shift()) {
      const at = this.store.builder.revisionEvent(id)
      if (at !== undefined) series.add(at.body.series)
      const replacers = (this.q('SELECT e.id FROM series_replaces s JOIN events e ON e.n = s.event WHERE s.old = ?').all(blob(id)) as Array<{ id: Buffer }>).map((r) => r.id.toString('hex'))
      for (const next of [...at?.body.replaces ?? [], ...replacers]) {
        if (seen.has(next)) continue
        seen.add(next)
        queue.push(next)
      }
    }
    return series
  }

  /** A revision EventId's series (where its `replaces` chain ends), when it is here. */
  private touch (revision: string): void {
    const series = this.store.builder.seriesOfEvent(revision)
    if (series !== undefined) this.touched.add(series)
  }

  private write (id: string, version: number, retext: boolean): void {
    const built = this.store.builder.build(id)
    const row = this.q('SELECT n FROM series WHERE id = ?').get(id) as { n: number } | undefined
    if (row !== undefined && (retext || built === undefined)) this.q('DELETE FROM series_text WHERE rowid = ?').run(row.n)
    if (built === undefined) {
      this.q('DELETE FROM series WHERE id = ?').run(id)
      return
    }
    const { view, newest } = built
    const state = this.store.facts.seriesState(view)
    this.q(`INSERT INTO series (id, project, state, sent, latest_ts, latest_id, newest_ts, stamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET project = excluded.project, state = excluded.state, sent = excluded.sent, latest_ts = excluded.latest_ts,
      latest_id = excluded.latest_id, newest_ts = excluded.newest_ts, stamp = excluded.stamp`)
      .run(id, view.project, state, sentAt(view.latest), view.latest.ts, blob(view.latest.id), newest.ts, version)
    if (row !== undefined && !retext) return
    const text = seriesText(view)
    const n = row?.n ?? (this.q('SELECT n FROM series WHERE id = ?').get(id) as { n: number }).n
    this.q('INSERT INTO series_text (rowid, subject, sender, body) VALUES (?, ?, ?, ?)').run(n, text.subject, text.sender, text.body)
  }
}
