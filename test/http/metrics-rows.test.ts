// GET /metrics counts results and times runs from their rows (issue 12:
// memory by what a command does, not by the history): a scrape decodes no
// result that answers no job here, however many there are, and answers
// what the fold over every result did.
import test from 'brittle'
import { createHash } from 'node:crypto'
import type { CairnNode } from '../../node/node.js'
import { nodeMetrics } from '../../node/http/node-metrics.js'
import { listJobs } from '../../node/views/jobs.js'
import type { IndexedEvent, Views } from '../../node/views/views.js'
import type { BodyOf, EventType } from '../../protocol/schemas.js'
import { applyEvent, memoryViews } from '../helpers/views.js'

const hex = (s: string): string => createHash('sha256').update(s).digest('hex')
const ROOT = hex('root')
const OTHER = hex('other runner')
const RESULTS = 40

let seq = 0
function post<T extends EventType> (views: Views, type: T, author: string, ts: number, body: BodyOf<T>): string {
  const id = hex(`${type} ${seq}`)
  applyEvent(views, { id, type, author, ts, refs: [], body, feed: author, seq: seq++ } as unknown as IndexedEvent)
  return id
}

const result = (job: string | undefined, verdict: BodyOf<'result'>['verdict']): BodyOf<'result'> =>
  ({ ...(job === undefined ? {} : { job }), build: 'b', testRun: 't', verdict, tests: Array.from({ length: 50 }, (_, i) => ({ name: `t${i}`, status: 'pass' as const })), logs: [], environment: {} })

test('GET /metrics: results counted and runs timed from their rows, no result of a job not here (or of none) decoded', (t) => {
  const views = memoryViews(ROOT)
  const node = { views, identityKey: ROOT, name: 'lab', status: () => ({ rejected: 0, feeds: [] }) } as unknown as CairnNode
  const job = post(views, 'job.request', ROOT, 1000, { project: 'p', repo: 'r', base: 'a'.repeat(40), recipe: {}, profile: 'quick', tags: [], priority: 0 })
  post(views, 'job.claim', ROOT, 2000, { job, runner: ROOT, leaseUntil: 100_000 })
  post(views, 'job.claim', ROOT, 3000, { job, runner: ROOT, leaseUntil: 100_000 }) // a renewal: the first claim counts
  post(views, 'result', ROOT, 4500, result(job, 'pass'))
  for (let i = 0; i < RESULTS; i++) post(views, 'result', i % 2 === 0 ? ROOT : OTHER, 10_000 + i, result(i % 4 < 2 ? hex('a job not here') : undefined, i % 3 === 0 ? 'fail' : 'pass'))

  const before = views.decoded.get('result') ?? 0
  const families = new Map(nodeMetrics(node, 0).map((f) => [f.name, f.samples]))
  t.is((views.decoded.get('result') ?? 0) - before, 0, 'no result decoded: the one job here is settled, counted from its result\'s row')

  const counts = (runner: string, verdict: string): number => families.get('cairn_results')?.find((s) => s.labels?.runner === runner && s.labels.verdict === verdict)?.value ?? 0
  const mine = Array.from({ length: RESULTS }, (_, i) => i).filter((i) => i % 2 === 0)
  t.is(counts(ROOT, 'pass'), 1 + mine.filter((i) => i % 3 !== 0).length)
  t.is(counts(ROOT, 'fail'), mine.filter((i) => i % 3 === 0).length)
  t.is(counts(OTHER, 'pass') + counts(OTHER, 'fail'), RESULTS / 2)
  const run = (name: string, suffix: string | undefined, runner: string): number | undefined => families.get(name)?.find((s) => s.suffix === suffix && s.labels?.runner === runner)?.value
  t.is(run('cairn_job_run_seconds', '_sum', ROOT), 2.5, 'from the first claim of the job to its result')
  t.is(run('cairn_job_run_seconds', '_count', ROOT), 1, 'results of a job not here have no claim to time from')
  t.is(run('cairn_job_run_seconds', '_count', OTHER), 0)
  t.is(run('cairn_runner_last_result_timestamp_seconds', undefined, OTHER), (10_000 + RESULTS - 1 - 2) / 1000, 'its last result with a job')
  t.alike(families.get('cairn_jobs')?.map((s) => [s.labels?.state, s.value]), [['done', 1]])
  views.close()
})

test('GET /metrics: settled jobs counted from their results\' rows, only the open ones folded, the same counts as the fold of every job', (t) => {
  const views = memoryViews(ROOT)
  const node = { views, identityKey: ROOT, name: 'lab', status: () => ({ rejected: 0, feeds: [] }) } as unknown as CairnNode
  const now = 1_000_000
  const request = (i: number): string => post(views, 'job.request', ROOT, 1000 + i, { project: 'p', repo: 'r', base: hex(`base ${i}`).slice(0, 40), recipe: {}, profile: 'quick', tags: [], priority: 0 })
  const SETTLED = 30
  for (let i = 0; i < SETTLED; i++) {
    const job = request(i)
    post(views, 'job.claim', ROOT, 2000 + i, { job, runner: ROOT, leaseUntil: 10 * now })
    if (i % 5 === 0) post(views, 'result', ROOT, 3000 + i, result(job, 'aborted')) // given up, then run again
    post(views, 'result', ROOT, 4000 + i, result(job, i % 3 === 0 ? 'fail' : 'pass'))
    if (i % 7 === 0) post(views, 'result', ROOT, 5000 + i, result(job, i % 3 === 0 ? 'pass' : 'error')) // too late: the first settles
  }
  request(100) // queued
  const untrusted = request(101) // queued: an untrusted runner's claim and result count for nothing
  post(views, 'job.claim', OTHER, 2101, { job: untrusted, runner: OTHER, leaseUntil: 10 * now })
  post(views, 'result', OTHER, 3101, result(untrusted, 'pass'))
  const running = request(102)
  post(views, 'job.claim', ROOT, 2102, { job: running, runner: ROOT, leaseUntil: 10 * now })
  post(views, 'job.progress', ROOT, 2103, { job: running, step: 'build', state: 'running' })
  const expected = new Map<string, number>()
  for (const j of listJobs(views, now)) expected.set(j.state, (expected.get(j.state) ?? 0) + 1)

  const before = { result: views.decoded.get('result') ?? 0, claim: views.decoded.get('job.claim') ?? 0 }
  const families = new Map(nodeMetrics(node, 0, now).map((f) => [f.name, f.samples]))
  t.is((views.decoded.get('result') ?? 0) - before.result, 1, 'one result decoded: the untrusted one, an answer of an open job')
  t.is((views.decoded.get('job.claim') ?? 0) - before.claim, 2, 'the claims of the two open jobs only')
  t.alike(families.get('cairn_jobs')?.map((s) => [s.labels?.state, s.value]), [...expected].sort(([a], [b]) => JSON.stringify({ state: a }).localeCompare(JSON.stringify({ state: b }))), 'the fold\'s counts')
  t.alike(Object.fromEntries(families.get('cairn_jobs')?.map((s) => [s.labels?.state, s.value]) ?? []), { done: 20, failed: 10, queued: 2, running: 1 })
  t.alike(families.get('cairn_runner_jobs')?.filter((s) => s.labels?.runner === ROOT).map((s) => [s.labels?.state, s.value]), [['done', 20], ['failed', 10], ['running', 1]])
  views.close()
})
