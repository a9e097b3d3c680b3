/** Where a series or revision stands, from the merge, decision, job and result rows naming its revisions. */
import type { Database as Db, Statement } from 'better-sqlite3'
import { hasRole } from '../../../machines/trust.js'
import type { Role } from '../../../protocol/schemas.js'
import { byTsThenId } from '../indexed.js'
import { blob } from '../db/rows.js'
import type { SeriesBuilder } from './build.js'
import { statementCache } from './build.js'
import type { DecisionEvent, RevisionView, SeriesView } from './model.js'
import { patchTrailers } from './trailers.js'
import type { PatchTrailers } from './trailers.js'

export type Trust = Map<string, Set<Role>>

const APPROVALS = new Set(['reviewed-by', 'acked-by', 'reviewed-and-tested-by'])

/**
 * The state rules (names as machines/revision-lifecycle): read per revision
 * from side rows (db/job-rows.ts, series/rows.ts), never from every event.
 * `trust`: whose merges and decisions count (machines/trust.ts).
 */
export class SeriesFacts {
  private readonly q: (sql: string) => Statement

  constructor (db: Db, private readonly builder: SeriesBuilder, private readonly trust: () => Trust) {
    this.q = statementCache(db)
  }

  /** `merged` (a trusted merge event for any revision), else where its latest revision stands. */
  seriesState (series: SeriesView, trailers?: Map<number, PatchTrailers>): string {
    const trust = this.trust()
    if (series.revisions.some((r) => this.isMerged(r, trust))) return 'merged'
    return this.revisionState(series, series.latest, trailers)
  }

  /**
   * Where one revision stands: `merged`, `superseded` (a newer version
   * exists), else its newest trusted decision's state, else `rejected` (a
   * Nacked-by), `incomplete`, `tested.fail`, `testing` (jobs, no result
   * yet), `reviewed` (an approval trailer), `tested.pass`, `new`.
   */
  revisionState (series: SeriesView, revision: RevisionView, trailers = patchTrailers(series, revision)): string {
    const trust = this.trust()
    if (this.isMerged(revision, trust)) return 'merged'
    if (series.revisions.some((r) => r.version > revision.version)) return 'superseded'
    const decision = this.newestDecision(revision, trust)
    if (decision !== null) return decision.body.state
    const collected = [...trailers.values()].flatMap((p) => p.collected)
    if (collected.some((t) => t.key.toLowerCase() === 'nacked-by')) return 'rejected'
    if (revision.body.patches.some((p) => p.missing === true)) return 'incomplete'
    const verdicts: string[] = []
    let jobs = 0
    for (const id of revision.eventIds) {
      const rows = this.q('SELECT e.id FROM job_requests j JOIN events e ON e.n = j.event WHERE j.revision = ?').all(blob(id)) as Array<{ id: Buffer }>
      jobs += rows.length
      for (const job of rows) verdicts.push(...(this.q('SELECT verdict FROM results WHERE job = ?').all(job.id) as Array<{ verdict: string }>).map((r) => r.verdict))
    }
    if (verdicts.some((v) => v === 'fail' || v === 'error' || v === 'apply-failed')) return 'tested.fail'
    if (jobs > 0 && verdicts.length === 0) return 'testing'
    if (collected.some((t) => APPROVALS.has(t.key.toLowerCase()))) return 'reviewed'
    if (verdicts.length > 0) return 'tested.pass'
    return 'new'
  }

  /** The newest decision (by (ts, EventId)) on any publication of the revision by an identity trusted as maintainer, or null. */
  newestDecision (revision: RevisionView, trust = this.trust()): DecisionEvent | null {
    const decisions = revision.eventIds.flatMap((id) => this.builder.events('JOIN decisions d ON d.event = e.n WHERE d.revision = ?', blob(id)) as DecisionEvent[])
    return decisions.filter((d) => hasRole(trust, d.author, 'maintainer')).sort(byTsThenId).pop() ?? null
  }

  private isMerged (revision: RevisionView, trust: Trust): boolean {
    return revision.eventIds.some((id) => (this.q('SELECT e.author FROM merges m JOIN events e ON e.n = m.event WHERE m.revision = ?').all(blob(id)) as Array<{ author: Buffer }>)
      .some((r) => hasRole(trust, r.author.toString('hex'), 'maintainer')))
  }
}
