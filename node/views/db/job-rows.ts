import type { Database as Db, Statement } from 'better-sqlite3'
import { baselineOf, jobInputsKey } from '../../../machines/job-inputs.js'
import type { IndexedEvent } from '../indexed.js'
import { blob } from './rows.js'

/**
 * Side rows that find results and a job's events without reading every
 * result (each may hold thousands of tests): results by job, build and
 * test-run identity, job requests by revision, a job's claims, progress and
 * results, a runner's own claims. Written with the event's row, in the writer's transaction.
 */
export class JobRows {
  private readonly result: Statement
  private readonly request: Statement
  private readonly answer: Statement
  private readonly claim: Statement

  constructor (db: Db) {
    this.result = db.prepare('INSERT INTO results (event, job, build, test_run, verdict, reuses) VALUES (?, ?, ?, ?, ?, ?)')
    this.request = db.prepare('INSERT INTO job_requests (event, revision, inputs, baseline) VALUES (?, ?, ?, ?)')
    this.answer = db.prepare('INSERT OR IGNORE INTO job_answers (job, event) VALUES (?, ?)')
    this.claim = db.prepare('INSERT OR IGNORE INTO job_claims (runner, job) VALUES (?, ?)')
  }

  /** `n`: the event's row (events.n). */
  apply (event: IndexedEvent, n: number): void {
    if (event.type === 'job.request') {
      // A baseline job (no revision) by its inputs; a series job by its baseline's (machines/job-inputs.ts).
      const baseline = event.body.revision === undefined
      this.request.run(n, baseline ? null : blob(event.body.revision as string), baseline ? jobInputsKey(event.body) : null, baseline ? null : jobInputsKey(baselineOf(event.body)))
    } else if (event.type === 'result') {
      const job = event.body.job === undefined ? null : blob(event.body.job)
      this.result.run(n, job, event.body.build, event.body.testRun, event.body.verdict, event.body.reuses === undefined ? null : blob(event.body.reuses))
      if (job !== null) this.answer.run(job, n)
    } else if (event.type === 'job.claim' || event.type === 'job.progress') {
      this.answer.run(blob(event.body.job), n)
      // A runner's own claims (a restarted runner looks for its unfinished work).
      if (event.type === 'job.claim' && event.body.runner === event.author) this.claim.run(blob(event.author), blob(event.body.job))
    }
  }
}
