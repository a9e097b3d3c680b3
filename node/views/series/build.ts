/**
 * One series built from its rows (docs/views-on-disk.md): its series.revision
 * events, the events `replaces` retired into it, and the counted reviews of
 * each revision. It gives what the fold over every event gave for that
 * series (test/node/series-rows.test.ts compares them), reading only the
 * series' own rows.
 */
import type { Database as Db, Statement } from 'better-sqlite3'
import { byTsThenId } from '../indexed.js'
import { blob, EVENT_COLUMNS, eventOf } from '../db/rows.js'
import type { EventRow } from '../db/rows.js'
import type { BodyStore } from '../db/bodies.js'
import type { RevisionEvent, RevisionView, ReviewEvent, SeriesView } from './model.js'

/** How far a chain of `replaces` is followed (as the fold did). */
const HOPS = 64

/** A statement per SQL text, prepared once. */
export function statementCache (db: Db): (sql: string) => Statement {
  const cache = new Map<string, Statement>()
  return (sql) => {
    let s = cache.get(sql)
    if (s === undefined) {
      s = db.prepare(sql)
      cache.set(sql, s)
    }
    return s
  }
}

/** A built series and where its events stand: list order takes its first and newest event in force. */
export interface BuiltSeries { view: SeriesView, first: RevisionEvent, newest: RevisionEvent }

export class SeriesBuilder {
  private readonly q: (sql: string) => Statement

  constructor (db: Db, private readonly bodies: BodyStore) {
    this.q = statementCache(db)
  }

  /** The series as its rows give it, or undefined when it has no event in force. */
  build (id: string): BuiltSeries | undefined {
    const own = this.events(`JOIN series_events s ON s.event = e.n WHERE s.series = ?`, id) as RevisionEvent[]
    const inForce = own.filter((e) => !this.retired(e)).sort(byTsThenId)
    if (inForce.length === 0) return undefined
    // Per version, in force in (ts, id) order; the latest is the body in force. Then the events retired into it, by id.
    const groups = new Map<number, { last: RevisionEvent, ids: string[], retired: string[] }>()
    for (const e of inForce) {
      const group = groups.get(e.body.version)
      if (group === undefined) groups.set(e.body.version, { last: e, ids: [e.id], retired: [] })
      else { group.last = e; group.ids.push(e.id) }
    }
    for (const e of inForce) {
      if ((e.body.replaces ?? []).length === 0) continue
      groups.get(e.body.version)?.retired.push(...this.retiredInto(e))
    }
    const revisions = [...groups.values()].map(({ last, ids, retired }) => this.revision(last, retired.length === 0 ? ids : [...ids, ...retired.sort()]))
    return { view: makeSeries(id, revisions), first: inForce[0] as RevisionEvent, newest: inForce[inForce.length - 1] as RevisionEvent }
  }

  /** The series an EventId of a series.revision stands in: its own, or that of the event its `replaces` chain ends at. */
  seriesOfEvent (id: string): string | undefined {
    // Light rows (no body decoded): a review, job or result arriving asks this of the revision it names.
    type Light = { n: number, ts: number, id: Buffer, author: Buffer, series: string }
    const light = 'SELECT e.n, e.ts, e.id, e.author, s.series FROM series_events s JOIN events e ON e.n = s.event'
    let at = this.q(`${light} WHERE e.id = ?`).get(blob(id)) as Light | undefined
    for (let hops = 0; at !== undefined && hops < HOPS; hops++) {
      const named = (this.q('SELECT event FROM series_replaces WHERE old = ?').all(at.id) as Array<{ event: number }>)
      if (named.length === 0) break
      const author: Buffer = at.author
      const by = named.map((r) => this.q(`${light} WHERE e.n = ?`).get(r.event) as Light)
        .filter((r) => r.author.equals(author))
        .sort((x, y) => y.ts - x.ts || Buffer.compare(y.id, x.id))[0]
      if (by === undefined) break
      at = by
    }
    return at?.series
  }

  /** A series.revision event by id, or undefined. */
  revisionEvent (id: string): RevisionEvent | undefined {
    return this.events("WHERE e.id = ? AND e.type = 'series.revision'", blob(id))[0] as RevisionEvent | undefined
  }

  /** The counted reviews of any of a revision's EventIds, oldest first: per (author, Message-ID) only the latest by (ts, id). */
  reviews (eventIds: readonly string[]): ReviewEvent[] {
    const out: ReviewEvent[] = []
    for (const id of eventIds) {
      out.push(...this.events(`JOIN reviews v ON v.event = e.n WHERE v.target = ? AND NOT EXISTS (
        SELECT 1 FROM reviews w JOIN events f ON f.n = w.event WHERE w.rkey = v.rkey AND (f.ts > e.ts OR (f.ts = e.ts AND f.id > e.id)))`, blob(id)) as ReviewEvent[])
    }
    return out.sort(byTsThenId)
  }

  /** Events by a clause over `e` (events) and `f` (feeds). */
  events (where: string, ...params: unknown[]): Array<ReturnType<typeof eventOf>> {
    return (this.q(`SELECT ${EVENT_COLUMNS} ${where}`).all(...params) as EventRow[]).map((row) => eventOf(row, this.bodies))
  }

  private revision (e: RevisionEvent, eventIds: string[]): RevisionView {
    return { id: e.id, eventIds, series: e.body.series, version: e.body.version, author: e.author, ts: e.ts, body: e.body, reviews: this.reviews(eventIds) }
  }

  /** Only an event of the same author retires another (nobody may hide someone else's). */
  private retired (e: RevisionEvent): boolean {
    return this.replacers(e).length > 0
  }

  /** Rows of the events naming `e` in `replaces` with its author: by series_replaces first (nearly always none), never by author. */
  private replacers (e: RevisionEvent): number[] {
    const named = this.q('SELECT event FROM series_replaces WHERE old = ?').all(blob(e.id)) as Array<{ event: number }>
    if (named.length === 0) return []
    const author = blob(e.author)
    return named.filter((r) => (this.q('SELECT author FROM events WHERE n = ?').get(r.event) as { author: Buffer }).author.equals(author)).map((r) => r.event)
  }

  /** The event that retired `e`: the latest by (ts, id) of its author's that name it, or undefined. */
  private replacedBy (e: RevisionEvent): RevisionEvent | undefined {
    const rows = this.replacers(e)
    if (rows.length === 0) return undefined
    return this.events(`WHERE e.n IN (${rows.map(() => '?').join(', ')}) ORDER BY e.ts DESC, e.id DESC LIMIT 1`, ...rows)[0] as RevisionEvent | undefined
  }

  /** The events whose `replaces` chain ends at `end` (which is in force), nearest first. */
  private retiredInto (end: RevisionEvent): string[] {
    const out: string[] = []
    const frontier: Array<{ e: RevisionEvent, depth: number }> = [{ e: end, depth: 0 }]
    for (let next = frontier.shift(); next !== undefined; next = frontier.shift()) {
      if (next.depth >= HOPS) continue
      for (const old of next.e.body.replaces ?? []) {
        const target = this.revisionEvent(old)
        if (target === undefined || target.author !== next.e.author || this.replacedBy(target)?.id !== next.e.id || out.includes(old)) continue
        out.push(old)
        frontier.push({ e: target, depth: next.depth + 1 })
      }
    }
    return out
  }
}

/** A series from its revisions: the latest version gives its subject and project, the first change-id found its change-id. */
export function makeSeries (id: string, revisions: readonly RevisionView[]): SeriesView {
  const sorted = [...revisions].sort((a, b) => a.version - b.version)
  const latest = sorted[sorted.length - 1] as RevisionView
  const series: SeriesView = { id, project: latest.body.project, subject: latest.body.subject, revisions: sorted, latest, messageIds: sorted.flatMap((r) => r.body.source.messageIds) }
  const changeId = sorted.map((r) => r.body.changeId).find((c) => c !== undefined)
  if (changeId !== undefined) series.changeId = changeId
  return series
}
