/**
 * Results as rows, for the views that follow results across history (a
 * test's history, regressions, the flake ledger, staleness): a result's own
 * columns without its body (views/db/job-rows.ts), what its job request
 * groups it by, and its tests' rows (views/db/test-rows.ts). Nothing here
 * decodes a result's body, which may hold thousands of tests.
 */
import type { Database as Db, Statement } from 'better-sqlite3'
import { blob } from './db/rows.js'
import { statementCache } from './series/build.js'

/** A result's columns, ids in hex; `n`: its events row. */
export interface ResultRow { n: number, id: string, ts: number, author: string, job: string | null, build: string, testRun: string, verdict: string, reuses: string | null, metrics: number }

/** A test's row in one result: `result` is the result's events row, `pos` the test's place in it. */
export interface TestRow { result: number, name: string, status: string, duration: number | null, pos: number }

interface RawRow { n: number, id: Buffer, ts: number, author: Buffer, job: Buffer | null, build: string, testRun: string, verdict: string, reuses: Buffer | null, metrics: number }

const COLUMNS = 'SELECT e.n, e.id, e.ts, e.author, r.job, r.build, r.test_run AS testRun, r.verdict, r.reuses, r.metrics'
const SELECT = `${COLUMNS} FROM results r JOIN events e ON e.n = r.event`
/** A result's job request, through the job's EventId. */
const REQUEST = 'JOIN events je ON je.id = r.job JOIN job_requests j ON j.event = je.n'
const OLDEST_FIRST = 'ORDER BY e.ts, e.id'
const FAILING = "status IN ('fail', 'error', 'xpass')"
/** resolveResult's bound on a chain of `reused` results. */
export const MAX_REUSE_HOPS = 8

function rowOf (r: RawRow): ResultRow {
  const hex = (b: Buffer | null): string | null => b === null ? null : b.toString('hex')
  return { n: r.n, id: r.id.toString('hex'), ts: r.ts, author: r.author.toString('hex'), job: hex(r.job), build: r.build, testRun: r.testRun, verdict: r.verdict, reuses: hex(r.reuses), metrics: r.metrics }
}

export class ResultRows {
  private readonly q: (sql: string) => Statement

  constructor (db: Db) {
    this.q = statementCache(db)
  }

  byId (id: string): ResultRow | undefined {
    return /^[0-9a-f]{64}$/.test(id) ? this.one(`${SELECT} WHERE e.id = ?`, blob(id)) : undefined
  }

  byN (n: number): ResultRow | undefined {
    return this.one(`${SELECT} WHERE e.n = ?`, n)
  }

  /** The run a `reused` result stands for (itself otherwise), as resolveResult (views/results.ts); null when the chain is broken here. */
  resolve (row: ResultRow): ResultRow | null {
    let cur = row
    for (let hops = 0; hops < MAX_REUSE_HOPS; hops++) {
      if (cur.verdict !== 'reused') return cur
      const next = cur.reuses === null ? undefined : this.byId(cur.reuses)
      if (next === undefined) return null
      cur = next
    }
    return null
  }

  /**
   * The results a metric's history reads, oldest first: runs holding
   * `metric` (result_metrics), and the `reused` results standing for one
   * of them (resolve's chain, walked back from the run); `source`: the run's id.
   */
  metricRuns (metric: string): Array<{ id: string, ts: number, author: string, job: string | null, build: string, source: string }> {
    const rows = this.q(`WITH RECURSIVE chain (event, source, hops) AS (
        SELECT result, result, 0 FROM result_metrics WHERE name = ?
        UNION ALL
        SELECT u.event, c.source, c.hops + 1 FROM chain c JOIN events s ON s.n = c.event JOIN results u ON u.reuses = s.id AND u.verdict = 'reused' WHERE c.hops < ?)
      SELECT e.id, e.ts, e.author, r.job, r.build, se.id AS source FROM chain c CROSS JOIN results r ON r.event = c.event CROSS JOIN events e ON e.n = c.event CROSS JOIN events se ON se.n = c.source
      ${OLDEST_FIRST}`).all(metric, MAX_REUSE_HOPS - 1) as Array<{ id: Buffer, ts: number, author: Buffer, job: Buffer | null, build: string, source: Buffer }>
    return rows.map((r) => ({ id: r.id.toString('hex'), ts: r.ts, author: r.author.toString('hex'), job: r.job?.toString('hex') ?? null, build: r.build, source: r.source.toString('hex') }))
  }

  /** The `reused` results that name this one. */
  reusers (id: string): ResultRow[] {
    return this.all(`${SELECT} WHERE r.reuses = ? AND r.verdict = 'reused'`, blob(id))
  }

  /** Results of a job, oldest first. */
  ofJob (job: string): ResultRow[] {
    return /^[0-9a-f]{64}$/.test(job) ? this.all(`${SELECT} WHERE r.job = ? ${OLDEST_FIRST}`, blob(job)) : []
  }

  /** Results of jobs of a repo and profile (`repo\nprofile`), oldest first. */
  ofScope (scope: string): ResultRow[] {
    return this.all(`${SELECT} ${REQUEST} WHERE j.scope = ? ${OLDEST_FIRST}`, scope)
  }

  /** Results of baseline jobs, oldest first, with their tree (db/job-rows.ts, requestKeys). */
  baselines (): Array<ResultRow & { tree: string }> {
    // From the baseline jobs' rows (a partial index), never a walk of every event: CROSS JOIN keeps that order.
    const sql = `${COLUMNS}, j.tree FROM job_requests j CROSS JOIN events je ON je.n = j.event CROSS JOIN results r ON r.job = je.id CROSS JOIN events e ON e.n = r.event
      WHERE j.tree IS NOT NULL ${OLDEST_FIRST}`
    return (this.q(sql).all() as Array<RawRow & { tree: string }>).map((r) => ({ ...rowOf(r), tree: r.tree }))
  }

  /** Real runs (pass or fail) of one test-run identity by these authors, oldest first. */
  realRuns (authors: readonly string[], testRun: string): ResultRow[] {
    return this.all(`${SELECT} WHERE r.test_run = ? AND r.verdict IN ('pass', 'fail') AND e.author IN (SELECT unhex(value) FROM json_each(?)) ${OLDEST_FIRST}`, testRun, JSON.stringify(authors))
  }

  /** The test-run identities with two real runs or more (of any author): the only ones whose runs can disagree. */
  repeatedRuns (): string[] {
    return this.q("SELECT test_run FROM results WHERE test_run != '' AND verdict IN ('pass', 'fail') GROUP BY test_run HAVING count(*) > 1 ORDER BY test_run").pluck().all() as string[]
  }

  /** How many results each author published of each verdict (GET /metrics), counted in the file. */
  countsByAuthor (): Array<{ author: string, verdict: string, n: number }> {
    const rows = this.q('SELECT e.author, r.verdict, count(*) AS n FROM results r JOIN events e ON e.n = r.event GROUP BY e.author, r.verdict').all() as Array<{ author: Buffer, verdict: string, n: number }>
    return rows.map((r) => ({ author: r.author.toString('hex'), verdict: r.verdict, n: r.n }))
  }

  /**
   * Per author of results of a job: the ms from its first claim of the job
   * (by ts) to each result but reused ones, summed, and how many such; and
   * its latest result's ts (GET /metrics). Results without a job count for nothing.
   */
  runTimes (): Array<{ author: string, sum: number, count: number, last: number }> {
    const rows = this.q(`SELECT author, total(max(0, ts - claimed)) AS sum, count(claimed) AS count, max(ts) AS last FROM (
        SELECT e.author, e.ts, CASE WHEN r.verdict = 'reused' THEN NULL ELSE
          (SELECT min(c.ts) FROM job_answers a JOIN events c ON c.n = a.event WHERE a.job = r.job AND c.type = 'job.claim' AND c.author = e.author) END AS claimed
        FROM results r JOIN events e ON e.n = r.event WHERE r.job IS NOT NULL)
      GROUP BY author`).all() as Array<{ author: Buffer, sum: number, count: number, last: number }>
    return rows.map((r) => ({ author: r.author.toString('hex'), sum: r.sum, count: r.count, last: r.last }))
  }

  /** What a job tested (db/job-rows.ts, requestKeys), or null when the job request is not here. */
  subjectOf (job: string): string | null {
    return (this.q('SELECT j.subject FROM events je JOIN job_requests j ON j.event = je.n WHERE je.id = ?').get(blob(job)) as { subject: string } | undefined)?.subject ?? null
  }

  /** The test-run identity of the newest result (by ts, id) of a job with this subject, or null. */
  newestTestRun (subject: string): string | null {
    const row = this.q(`SELECT r.test_run AS testRun FROM job_requests j JOIN events je ON je.n = j.event JOIN results r ON r.job = je.id JOIN events e ON e.n = r.event
      WHERE j.subject = ? AND r.test_run != '' ORDER BY e.ts DESC, e.id DESC LIMIT 1`).get(subject) as { testRun: string } | undefined
    return row?.testRun ?? null
  }

  /** The test's rows in results that are runs (not `reused`: their own tests never count). */
  holders (name: string): TestRow[] {
    return this.q(`SELECT t.result, t.name, t.status, t.duration, t.pos FROM tests t JOIN results r ON r.event = t.result WHERE t.name = ? AND r.verdict != 'reused'`).all(name) as TestRow[]
  }

  /** Per run (as holders), how many tests of the suite (a name prefix on `/`, protocol/history.ts) have each status. */
  suiteCounts (suite: string): Array<{ result: number, status: string, n: number }> {
    return this.q(`SELECT t.result, t.status, count(*) AS n FROM tests t JOIN results r ON r.event = t.result
      WHERE (t.name = ? OR (t.name >= ? AND t.name < ?)) AND r.verdict != 'reused' GROUP BY t.result, t.status`).all(suite, `${suite}/`, `${suite}0`) as Array<{ result: number, status: string, n: number }>
  }

  /** The suite's failing rows in runs (as holders). */
  suiteFailing (suite: string): TestRow[] {
    return this.q(`SELECT t.result, t.name, t.status, t.duration, t.pos FROM tests t JOIN results r ON r.event = t.result
      WHERE (t.name = ? OR (t.name >= ? AND t.name < ?)) AND t.${FAILING} AND r.verdict != 'reused'`).all(suite, `${suite}/`, `${suite}0`) as TestRow[]
  }

  /** The names of a result's failing tests (the rows' partial index). */
  failing (result: number): string[] {
    return this.q(`SELECT name FROM tests WHERE result = ? AND ${FAILING}`).pluck().all(result) as string[]
  }

  /** The test's rows in these results. */
  statuses (name: string, results: readonly number[]): TestRow[] {
    return this.q('SELECT result, name, status, duration, pos FROM tests WHERE name = ? AND result IN (SELECT value FROM json_each(?))').all(name, JSON.stringify(results)) as TestRow[]
  }

  /** Whether any result holds a test of this name. */
  hasTest (name: string): boolean {
    return this.q('SELECT 1 FROM tests WHERE name = ? LIMIT 1').get(name) !== undefined
  }

  private one (sql: string, ...params: unknown[]): ResultRow | undefined {
    const r = this.q(sql).get(...params) as RawRow | undefined
    return r === undefined ? undefined : rowOf(r)
  }

  private all (sql: string, ...params: unknown[]): ResultRow[] {
    return (this.q(sql).all(...params) as RawRow[]).map(rowOf)
  }
}
