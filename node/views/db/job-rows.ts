import type { Database as Db, Statement } from 'better-sqlite3'
import { baselineOf, jobInputsKey } from '../../../machines/job-inputs.js'
import type { IndexedEvent } from '../indexed.js'
import { blob } from './rows.js'

type RequestBody = (IndexedEvent & { type: 'job.request' })['body']

/**
 * What results are grouped by through their job (views/result-rows.ts):
 * `scope`, a test's history (repo and profile); `subject`, what a result
 * tested, for staleness (the revision, or the repo at its base, and the
 * profile); `tree`, a baseline's regression tree (project, profile, tags).
 */
function requestKeys (b: RequestBody): [scope: string, subject: string, tree: string | null] {
  return [`${b.repo}\n${b.profile}`, `${b.revision ?? `${b.repo}@${b.base}`}\n${b.profile}`, b.revision === undefined ? JSON.stringify([b.project, b.profile, b.tags]) : null]
}

/**
 * Side rows that find results and a job's events without reading every
 * result (each may hold thousands of tests): results by job, build and
 * test-run identity, job requests by revision, a job's claims, progress and
 * results, a runner's own claims, the runs holding each metric (a metric's
 * history decodes those runs only; a reused result holds none of its own).
 * Written with the event's row, in the writer's transaction.
 */
export class JobRows {
  private readonly result: Statement
  private readonly request: Statement
  private readonly answer: Statement
  private readonly claim: Statement
  private readonly metric: Statement

  constructor (db: Db) {
    this.result = db.prepare('INSERT INTO results (event, job, build, test_run, verdict, reuses, metrics) VALUES (?, ?, ?, ?, ?, ?, ?)')
    this.request = db.prepare('INSERT INTO job_requests (event, revision, inputs, baseline, scope, subject, tree, ts, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    this.answer = db.prepare('INSERT OR IGNORE INTO job_answers (job, event) VALUES (?, ?)')
    this.claim = db.prepare('INSERT OR IGNORE INTO job_claims (runner, job) VALUES (?, ?)')
    this.metric = db.prepare('INSERT OR IGNORE INTO result_metrics (name, result) VALUES (?, ?)')
  }

  /** `n`: the event's row (events.n). */
  apply (event: IndexedEvent, n: number): void {
    if (event.type === 'job.request') {
      // A job by its inputs; a series job by its baseline's too (machines/job-inputs.ts); every job in (ts, id) order.
      const b = event.body
      const baseline = b.revision === undefined
      this.request.run(n, baseline ? null : blob(b.revision as string), jobInputsKey(b), baseline ? null : jobInputsKey(baselineOf(b)),
        ...requestKeys(b), event.ts, blob(event.id))
    } else if (event.type === 'result') {
      const job = event.body.job === undefined ? null : blob(event.body.job)
      this.result.run(n, job, event.body.build, event.body.testRun, event.body.verdict, event.body.reuses === undefined ? null : blob(event.body.reuses), event.body.metrics?.length ?? 0)
      if (job !== null) this.answer.run(job, n)
      if (event.body.verdict !== 'reused') for (const m of event.body.metrics ?? []) this.metric.run(m.name, n)
    } else if (event.type === 'job.claim' || event.type === 'job.progress') {
      this.answer.run(blob(event.body.job), n)
      // A runner's own claims (a restarted runner looks for its unfinished work).
      if (event.type === 'job.claim' && event.body.runner === event.author) this.claim.run(blob(event.author), blob(event.body.job))
    }
  }
}
