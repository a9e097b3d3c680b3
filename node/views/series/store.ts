/**
 * The series as the views' database keeps them (docs/views-on-disk.md): a
 * row per series (its list order and state, kept by series/rows.ts in each
 * frame's transaction) and side rows that find a series by Message-ID,
 * change-id or revision EventId. A series is built from its own rows only.
 */
import type { BodyStore } from '../db/bodies.js'
import type { Database as Db, Statement } from 'better-sqlite3'
import { CairnError } from '../../../protocol/errors.js'
import { byTsThenId } from '../indexed.js'
import { SeriesBuilder, statementCache } from './build.js'
import type { BuiltSeries } from './build.js'
import { SeriesFacts } from './facts.js'
import type { Trust } from './facts.js'
import type { RevisionView, SeriesView } from './model.js'
import { blob } from '../db/rows.js'
import { badSearch, ftsQuery } from './text.js'

/** A series row as lists read it. */
interface SeriesRow { n: number, id: string, state: string, stamp: number }

/** Which rows a list walks: a state (or its first part: `tested`), a project, a full-text search (series/text.ts); `since`: its newest event at or after. */
interface RowFilter { state?: string, project?: string, since?: number, search?: string }

/** Rows per read while a list walks the series in order (a filter may skip many). */
const PAGE = 64

/** The WHERE terms of a row filter. */
function rowWhere (filter: RowFilter): { where: string[], params: unknown[] } {
  const where: string[] = []
  const params: unknown[] = []
  if (filter.state !== undefined) { where.push('(state = ? OR state LIKE ?)'); params.push(filter.state, `${filter.state}.%`) }
  if (filter.project !== undefined) { where.push('project = ?'); params.push(filter.project) }
  if (filter.since !== undefined) { where.push('newest_ts >= ?'); params.push(filter.since) }
  if (filter.search !== undefined) { where.push('n IN (SELECT rowid FROM series_text WHERE series_text MATCH ?)'); params.push(ftsQuery(filter.search)) }
  return { where, params }
}

export class SeriesStore {
  readonly builder: SeriesBuilder
  readonly facts: SeriesFacts
  private readonly q: (sql: string) => Statement

  constructor (db: Db, trust: () => Trust, bodies: BodyStore) {
    this.q = statementCache(db)
    this.builder = new SeriesBuilder(db, bodies)
    this.facts = new SeriesFacts(db, this.builder, trust)
  }

  get (id: string): SeriesView | undefined {
    return this.builder.build(id)?.view
  }

  /** The state kept in the series' row ('' when there is no such series). */
  state (id: string): string {
    return (this.q('SELECT state FROM series WHERE id = ?').get(id) as { state: string } | undefined)?.state ?? ''
  }

  /** The revision a series.revision EventId stands in (its republications and replaced events included), or undefined. */
  revisionOfEvent (id: string): RevisionView | undefined {
    const series = this.builder.seriesOfEvent(id)
    return series === undefined ? undefined : this.get(series)?.revisions.find((r) => r.eventIds.includes(id))
  }

  /**
   * Series rows newest first (sentAt of the latest revision, then its
   * (ts, EventId)), `PAGE` at a time, while `take` asks for more.
   */
  walk (filter: RowFilter, take: (row: SeriesRow) => boolean): void {
    const { where, params } = rowWhere(filter)
    const sql = `SELECT n, id, state, stamp FROM series ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY sent DESC, latest_ts DESC, latest_id DESC LIMIT ? OFFSET ?`
    for (let offset = 0; ; offset += PAGE) {
      const rows = this.page(sql, [...params, PAGE, offset], filter.search)
      for (const row of rows) if (!take(row)) return
      if (rows.length < PAGE) return
    }
  }

  /**
   * Up to `limit` series rows in the web list's order (/api/series: sentAt
   * of the latest revision, then its EventId, newest first), those before
   * `before` when given; `count`: how many rows the filter selects.
   */
  listRows (filter: RowFilter, before: { sent: number, latestId: string } | null, limit: number): Array<SeriesRow & { sent: number, latestId: string }> {
    const { where, params } = rowWhere(filter)
    if (before !== null) { where.push('(sent, latest_id) < (?, ?)'); params.push(before.sent, blob(before.latestId)) }
    const sql = `SELECT n, id, state, stamp, sent, latest_id AS latestId FROM series ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY sent DESC, latest_id DESC LIMIT ?`
    return (this.page(sql, [...params, limit], filter.search) as Array<SeriesRow & { sent: number, latestId: Buffer }>).map((r) => ({ ...r, latestId: r.latestId.toString('hex') }))
  }

  /** How many series rows a filter selects. */
  count (filter: RowFilter): number {
    const { where, params } = rowWhere(filter)
    return (this.page(`SELECT count(*) AS n FROM series ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}`, params, filter.search)[0] as unknown as { n: number }).n
  }

  private page (sql: string, params: unknown[], search: string | undefined): SeriesRow[] {
    try {
      return this.q(sql).all(...params) as SeriesRow[]
    } catch (err) {
      if (search !== undefined && err instanceof Error && /fts5|syntax error|unterminated|no such column/.test(err.message)) throw badSearch(search, err)
      throw err
    }
  }

  /**
   * Find a series by its id, a Message-ID of any of its mails (with or
   * without <>), its change-id, a revision EventId, or a unique prefix of a
   * series id or revision EventId. NOT_FOUND and AMBIGUOUS errors say what was tried.
   */
  find (ref: string): SeriesView {
    const wanted = ref.trim().replace(/^<(.*)>$/, '$1')
    const exact = this.get(wanted) ??
      this.byKey(`m:${wanted}`, (s) => s.messageIds.includes(wanted)) ??
      this.byKey(`c:${wanted}`, (s) => s.changeId === wanted) ??
      this.get(/^[0-9a-f]{64}$/.test(wanted) ? this.builder.seriesOfEvent(wanted) ?? '' : '')
    if (exact !== undefined) return exact
    if (wanted.length < 4) throw new CairnError('NOT_FOUND', `no series "${ref}"; give at least 4 characters of an id`)
    const matches = new Set((this.q('SELECT id FROM series WHERE substr(id, 1, ?) = ?').all(wanted.length, wanted) as Array<{ id: string }>).map((r) => r.id))
    if (/^[0-9a-f]{1,63}$/.test(wanted)) {
      const range = [Buffer.from(wanted.padEnd(64, '0'), 'hex'), Buffer.from(wanted.padEnd(64, 'f'), 'hex')]
      for (const r of this.q('SELECT e.id FROM events e JOIN series_events s ON s.event = e.n WHERE e.id BETWEEN ? AND ?').all(...range) as Array<{ id: Buffer }>) {
        const series = this.builder.seriesOfEvent(r.id.toString('hex'))
        if (series !== undefined) matches.add(series)
      }
    }
    if (matches.size === 1) return this.get([...matches][0] as string) as SeriesView
    if (matches.size > 1) throw new CairnError('AMBIGUOUS', `"${ref}" matches ${matches.size} series: ${[...matches].sort().slice(0, 5).join(', ')}${matches.size > 5 ? ', ...' : ''}`)
    throw new CairnError('NOT_FOUND', `no series matches "${ref}" (tried series id, Message-ID, change-id, revision EventId and id prefixes)`)
  }

  /** Of the series some event of which named `key`, those whose revisions in force still do: the one first sent last wins. */
  private byKey (key: string, holds: (s: SeriesView) => boolean): SeriesView | undefined {
    let best: BuiltSeries | undefined
    for (const { series } of this.q('SELECT series FROM series_keys WHERE key = ?').all(key) as Array<{ series: string }>) {
      const built = this.builder.build(series)
      if (built !== undefined && holds(built.view) && (best === undefined || byTsThenId(built.first, best.first) > 0)) best = built
    }
    return best?.view
  }
}
