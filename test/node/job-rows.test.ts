import test from 'brittle'
import { flakes, flakyTests } from '../../node/views/flakes.js'
import { baselineOf, jobInputsKey } from '../../machines/job-inputs.js'
import { JOB_STATES, baselineJobs, jobAnswers, jobCancelled, jobOfInputs, jobRequest, jobsByPrefix, jobsClaimedBy, jobsOfRevision, listJobs } from '../../node/views/jobs.js'
import type { JobRequest } from '../../node/views/jobs.js'
import { findResults, resolveResult, resultsOfBuild, resultsOfJob, resultsOfTestRun } from '../../node/views/results.js'
import type { ResultEvent } from '../../node/views/results.js'
import { byTsThenId } from '../../node/views/views.js'
import type { IndexedEvent, Views } from '../../node/views/views.js'
import { createHash } from 'node:crypto'
import { createNode } from '../helpers/nodes.js'
import { applyEvent, memoryViews } from '../helpers/views.js'

const REVISION = 'ab'.repeat(32)
const BUILD = 'b'.repeat(52)
const RUN = 'r'.repeat(52)
const ENV = { kernel: '6.16.0' }
const ids = (es: readonly IndexedEvent[]): string[] => es.map((e) => e.id)

type Pair = [string[], string[]]
interface Answers { every: Pair, byPrefix: Pair, baselines: Pair[], ofInputs: Pair[], listed: Pair[], claimed: Pair, byJob: Pair[], byBuild: Pair, byTestRun: Pair, byRevision: Pair, answers: Pair[], request: unknown[], found: string[][], resolved: Array<string | null>, flaky: Pair }

/** What the lookups answer; each Pair beside the same asked of a fold over every event of the type (what they read before the side rows). */
function answers (views: Views, jobs: string[], results: string[]): Answers {
  const all = [...views.ofType('result')].sort(byTsThenId) as ResultEvent[]
  const fold = (f: (e: ResultEvent) => boolean): string[] => ids(all.filter(f))
  const now = 1e15 // leases long run out: the same for every call
  const everyJob = listJobs(views, now)
  const requests = [...views.ofType('job.request')].sort(byTsThenId) as JobRequest[]
  const bodies = requests.map((r) => r.body)
  return {
    every: [everyJob.map((j) => j.id), ids(requests)],
    byPrefix: [jobsByPrefix(views, jobs[0]?.slice(0, 10) ?? '', now).map((j) => j.id), ids(requests.filter((r) => r.id.startsWith(jobs[0]?.slice(0, 10) ?? '-')))],
    baselines: bodies.map((b) => [ids(baselineJobs(views, b)), ids(requests.filter((r) => r.body.revision === undefined && jobInputsKey(r.body) === jobInputsKey(baselineOf(b)) && !jobCancelled(views, r.id)))]),
    ofInputs: bodies.map((b) => [[jobOfInputs(views, b, now)?.id ?? ''], [everyJob.find((j) => jobInputsKey(j.request.body) === jobInputsKey(b) && !j.cancelled && j.state !== 'aborted' && j.verdict !== 'error')?.id ?? '']]),
    listed: JOB_STATES.map((state) => [listJobs(views, now, { state }).map((j) => j.id), everyJob.filter((j) => j.state === state).map((j) => j.id)]),
    claimed: [jobsClaimedBy(views, views.root), [...new Set(views.ofType('job.claim').flatMap((e) => e.type === 'job.claim' && e.author === views.root && e.body.runner === e.author ? [e.body.job] : []))].sort()],
    byJob: jobs.map((j) => [ids(resultsOfJob(views, j)), fold((e) => e.body.job === j)]),
    byBuild: [ids(resultsOfBuild(views, BUILD)), fold((e) => e.body.build === BUILD)],
    byTestRun: [ids(resultsOfTestRun(views, RUN)), fold((e) => e.body.testRun === RUN)],
    byRevision: [ids(jobsOfRevision(views, REVISION)), ids([...views.ofType('job.request')].filter((e) => e.type === 'job.request' && e.body.revision === REVISION).sort(byTsThenId))],
    answers: jobs.map((j) => [ids(jobAnswers(views, j)), ids(['job.claim', 'job.progress', 'result'].flatMap((t) => views.ofType(t as 'result')).filter((e) => (e.body as { job?: string }).job === j).sort(byTsThenId))]),
    request: jobs.map((j) => jobRequest(views, j)?.id),
    found: [ids(findResults(views, results[0]?.slice(0, 10) ?? '')), ids(findResults(views, jobs[0]?.slice(0, 10) ?? '')), ids(findResults(views, RUN)), ids(findResults(views, 'nothing'))],
    resolved: results.map((r) => resolveResult(views, findResults(views, r)[0] as ResultEvent)?.id ?? null),
    flaky: [[...flakyTests(views, [RUN])].sort(), flakes(views).filter((f) => f.testRun === RUN).map((f) => f.test).sort()]
  }
}

test('job rows: results by job, build, test run and prefix, a job\'s answers and a test run\'s flakes read the side rows, answer as a fold over every event would, and the same after a reindex', async (t) => {
  const { node } = await createNode(t)
  const request = { project: 'p', repo: 'https://git.example.org/p.git', base: 'a'.repeat(40), recipe: {}, profile: 'quick', tags: [], priority: 0 }
  const job1 = await node.post('job.request', { ...request, revision: REVISION }, [REVISION])
  const job2 = await node.post('job.request', request)
  await node.post('job.claim', { job: job1.id, runner: node.identityKey, leaseUntil: Date.now() + 60_000 }, [job1.id])
  await node.post('job.progress', { job: job1.id, step: 'test', state: 'running' }, [job1.id])
  const tests = (fail: string): Array<{ name: string, status: 'pass' | 'fail' }> => ['t/1', 't/2', 't/3'].map((name) => ({ name, status: name === fail ? 'fail' : 'pass' }))
  const r1 = await node.post('result', { job: job1.id, build: BUILD, testRun: RUN, verdict: 'pass', tests: tests(''), logs: [], environment: ENV }, [job1.id])
  const r2 = await node.post('result', { job: job1.id, build: BUILD, testRun: RUN, verdict: 'fail', tests: tests('t/2'), logs: [], environment: ENV }, [job1.id])
  const r3 = await node.post('result', { job: job2.id, build: 'c'.repeat(52), testRun: 's'.repeat(52), verdict: 'reused', reuses: r1.id, tests: [], logs: [], environment: ENV }, [job2.id])
  const r4 = await node.post('result', { build: '', testRun: '', verdict: 'error', tests: [], logs: [], environment: ENV, message: 'no job' })
  const job3 = await node.post('job.request', { ...request, profile: 'full' })
  const job4 = await node.post('job.request', { ...request, profile: 'long' })
  await node.post('job.claim', { job: job4.id, runner: node.identityKey, leaseUntil: 2e15 }, [job4.id])
  await node.post('result', { job: job4.id, build: '', testRun: '', verdict: 'aborted', tests: [], logs: [], environment: ENV }, [job4.id])
  await node.post('job.claim', { job: job3.id, runner: node.identityKey, leaseUntil: 2e15 }, [job3.id])
  const jobs = [job1.id, job2.id, job3.id, job4.id, 'cd'.repeat(32)]
  const results = [r1.id, r2.id, r3.id, r4.id]

  const before = answers(node.views, jobs, results)
  for (const [i, [side, fold]] of before.listed.entries()) t.alike(side, fold, `jobs ${JOB_STATES[i] ?? ''}`)
  for (const [what, [side, fold]] of [['every job, paged', before.every], ['by prefix', before.byPrefix], ...before.baselines.map((p) => ['baselines', p] as const), ...before.ofInputs.map((p) => ['of inputs', p] as const)] as const) t.alike(side, fold, what)
  t.alike(before.baselines[0]?.[0], [job2.id], 'the series job\'s baseline is the baseline job of the same inputs')
  t.alike(before.ofInputs.map((p) => p[0][0]), [job1.id, job2.id, job3.id, ''], 'a job of the same inputs stands; an aborted one does not')
  t.alike(before.listed.map((p) => p[0].length), [0, 1, 0, 2, 0, 1], 'claimed (job 3), done (jobs 1, 2: job 1\'s first result, a pass, settles it; its fail after changes nothing), aborted (job 4)')
  t.alike(before.claimed[0], before.claimed[1], 'claimed by the runner')
  for (const [what, [side, fold]] of [...before.byJob.map((p) => ['byJob', p] as const), ...before.answers.map((p) => ['answers', p] as const), ['byBuild', before.byBuild], ['byTestRun', before.byTestRun], ['byRevision', before.byRevision], ['flaky', before.flaky]] as const) t.alike(side, fold, what)
  t.alike(before.byJob[0]?.[0], [r1.id, r2.id], 'a job\'s results')
  t.alike(before.flaky[0], ['t/2'], 'the test the two runs disagree on is flaky under their test run')
  t.alike(before.found, [[r1.id], [r1.id, r2.id], [r1.id, r2.id], []], 'found by a result id prefix, a job id prefix, a test-run identity; nothing for a word')
  t.alike(before.request, [job1.id, job2.id, job3.id, job4.id, undefined], 'job requests by id')
  t.alike(before.resolved, [r1.id, r2.id, r1.id, r4.id], 'a reused result stands for the run it names')
  t.alike(before, answers(node.views, jobs, results), 'asked again: the same')

  await node.reindex()
  t.alike(answers(node.views, jobs, results), before, 'after a reindex: the same answers')
})

test('job rows: every job is read a page at a time, in (ts, id) order, ties on ts included', async (t) => {
  const root = 'ee'.repeat(32)
  const views = memoryViews(root)
  t.teardown(() => views.close())
  const body = { project: 'p', repo: 'r', base: 'b', recipe: {}, profile: 'quick', tags: [], priority: 0 }
  // 150 jobs over 20 timestamps: pages of 64 end inside runs of equal ts.
  for (let i = 0; i < 150; i++) applyEvent(views, { id: createHash('sha256').update(`job ${i}`).digest('hex'), type: 'job.request', author: root, ts: (i * 7) % 20, refs: [], body: { ...body, base: `b${i}` }, feed: root, seq: i } as unknown as IndexedEvent)
  const listed = listJobs(views, 0).map((j) => j.id)
  t.is(listed.length, 150, 'every job')
  t.alike(listed, ids([...views.ofType('job.request')].sort(byTsThenId)), 'in (ts, id) order')
})
