import test from 'brittle'
import type { TestInstance } from 'brittle'
import { parseCiConfig } from '../../machines/ci-config.js'
import { CI_NOTES, ciBaselineKey, ciJobKey, planCi } from '../../node/daemon/ci-plan.js'
import type { CiIntent, CiPlanInput } from '../../node/daemon/ci-plan.js'
import type { CairnNode } from '../../node/node.js'
import { baselineOf } from '../../machines/job-inputs.js'
import { jobRequest } from '../../node/views/jobs.js'
import type { Metric } from '../../protocol/metrics.js'
import { createNode } from '../helpers/nodes.js'

const CONFIG = parseCiConfig('series: { subjects: [xfs] }\nrepo: r\nprofiles: [build, test]\nrequired: [test]\nverdict: { mbox: m }\n')

interface World { node: CairnNode, since: number, plan: (over?: Partial<CiPlanInput>) => Array<{ kind: string, revision: string, profiles?: string[] }> }

async function world (t: TestInstance): Promise<World> {
  const { node } = await createNode(t, 'ci')
  const start = await node.post('note', { subject: CI_NOTES.start, text: 'on' }, [])
  const plan = (over: Partial<CiPlanInput> = {}): Array<{ kind: string, revision: string, profiles?: string[] }> =>
    planCi({ views: node.views, config: CONFIG, since: start.ts, touched: new Map(), submitted: new Set(), handled: new Set(), ...over })
      .map((i) => ({ kind: i.kind, revision: i.revision.id, ...(i.kind === 'submit-jobs' ? { profiles: i.profiles } : {}) }))
  return { node, since: start.ts, plan }
}

async function revision (node: CairnNode, subject: string, opts: { total?: number, present?: number, ts?: number } = {}): Promise<string> {
  const total = opts.total ?? 1
  const patches = Array.from({ length: opts.present ?? total }, (_, i) => ({ index: i + 1, subject: `${subject} ${i + 1}`, message: '' }))
  const e = await node.post('series.revision', { project: 'p', series: subject.replace(/\W+/g, '-'), version: 1, subject, total, patches, source: { messageIds: [`<${subject.replace(/\W+/g, '-')}@x>`] } }, [])
  await node.indexer.run()
  return e.id
}

async function job (node: CairnNode, rev: string, profile: string): Promise<string> {
  const e = await node.post('job.request', { project: 'p', repo: 'r', base: 'b', revision: rev, recipe: {}, profile, tags: [], priority: 0 }, [rev])
  return e.id
}

async function result (node: CairnNode, jobId: string, verdict: 'pass' | 'fail'): Promise<void> {
  await node.post('result', { job: jobId, build: 'b', testRun: 'r', verdict, tests: [{ name: 't', status: verdict }], logs: [], environment: {} }, [jobId])
  await node.indexer.run()
}

test('ci plan: jobs for a new matching revision, then its verdict once the required result is in, then nothing', async (t) => {
  const { node, plan } = await world(t)
  const rev = await revision(node, '[PATCH] xfs: fix the log')
  t.alike(plan(), [{ kind: 'submit-jobs', revision: rev, profiles: ['build', 'test'] }])
  t.alike(plan({ submitted: new Set([ciJobKey(rev, 'build')]) }), [{ kind: 'submit-jobs', revision: rev, profiles: ['test'] }], 'what this process posted is not posted again')
  const build = await job(node, rev, 'build')
  const tests = await job(node, rev, 'test')
  await node.indexer.run()
  t.alike(plan(), [], 'jobs posted, no result yet')
  await result(node, build, 'pass')
  t.alike(plan(), [], 'build is not a required result')
  await result(node, tests, 'fail')
  t.alike(plan(), [{ kind: 'send-verdict', revision: rev }], 'the required result is in: a failure is a verdict too')
  t.alike(plan({ handled: new Set([rev]) }), [], 'not while this process sends it')
  const record = await node.post('note', { subject: CI_NOTES.verdict, text: 'verdict fail <x>' }, [rev])
  await node.indexer.run()
  t.alike(plan({ handled: new Set([rev]) }), [], 'recorded: never again')
  t.alike(plan(), [{ kind: 'verdict-unknown', revision: rev }], 'a record with no outcome, after a restart: unknown, not sent again')
  await node.post('note', { subject: CI_NOTES.sent, text: 'sent' }, [rev, record.id])
  await node.indexer.run()
  t.alike(plan(), [], 'sent: nothing more')
  // A pass reads the records of the revisions it looks at (event_refs), not every note of the history.
  for (let i = 0; i < 100; i++) await node.post('note', { subject: CI_NOTES.verdict, text: `another revision's verdict ${i}` }, [])
  for (let i = 0; i < 20; i++) await node.post('review', { target: { revision: rev }, trailers: [], comment: `review ${i}` }, [rev])
  await node.indexer.run()
  const before = node.views.decoded.get('note') ?? 0
  const reviews = node.views.decoded.get('review') ?? 0
  t.alike(plan(), [], 'still nothing')
  t.is((node.views.decoded.get('review') ?? 0) - reviews, 0, 'the reviews naming the revision are not decoded to find its record')
  t.ok((node.views.decoded.get('note') ?? 0) - before <= 3, `${(node.views.decoded.get('note') ?? 0) - before} notes decoded by a pass, of ${node.views.countOf({ type: 'note' })}: those naming the revision or its record (the record, its outcome)`)
})

test('ci plan: what it leaves alone', async (t) => {
  const { node, plan } = await world(t)
  await revision(node, '[PATCH] ext4: not ours')
  await revision(node, '[PATCH 0/2] xfs: half here', { total: 2, present: 1 })
  const stranger = (await createNode(t, 'stranger')).node
  const theirs = await stranger.post('series.revision', { project: 'p', series: 'xfs-theirs', version: 1, subject: 'xfs: theirs', total: 1, patches: [{ index: 1, subject: 'xfs: theirs', message: '' }], source: { messageIds: ['<t@x>'] } }, [])
  t.ok(theirs.id !== '')
  t.alike(plan(), [], 'no keyword, an incomplete series')
  const rev = await revision(node, '[PATCH] xfs: later')
  t.alike(plan({ since: Number.MAX_SAFE_INTEGER }).length, 0, 'a revision from before the CI started is history')
  t.alike(plan({ config: { ...CONFIG, series: { ...CONFIG.series, paths: ['fs/xfs/**'] } } }), [{ kind: 'read-paths', revision: rev }], 'a paths filter asks for the touched paths first')
  t.alike(plan({ config: { ...CONFIG, series: { ...CONFIG.series, paths: ['fs/xfs/**'] } }, touched: new Map([[rev, ['fs/ext4/a.c']]]) }), [], 'and they do not match')
})

test('ci plan: a run that failed without tests (an error, a patch that does not apply) gets its verdict; an aborted run waits for the next', async (t) => {
  const { node, plan } = await world(t)
  const rev = await revision(node, '[PATCH] xfs: does not apply')
  await job(node, rev, 'build')
  const tests = await job(node, rev, 'test')
  const failed = async (verdict: 'aborted' | 'apply-failed', message: string): Promise<void> => {
    await node.post('result', { job: tests, build: '', testRun: '', verdict, tests: [], logs: [], environment: {}, message }, [tests])
    await node.indexer.run()
  }
  await failed('aborted', 'the runner stopped')
  t.alike(plan(), [], 'aborted: the job is queued again, no verdict yet')
  await failed('apply-failed', 'error: patch failed: fs/xfs/log.c:12')
  t.alike(plan(), [{ kind: 'send-verdict', revision: rev }], 'a run that failed with no tests is a verdict')
})

test('ci plan with a metric gate: baselines posted beside the series jobs, the verdict waits for them and names the gated regressions', async (t) => {
  const { node, since } = await world(t)
  const gated = parseCiConfig('repo: r\nprofiles: [test]\nverdict: { mbox: m }\nmetrics: { gate: [throughput], min-change: { "*": 5 } }\n')
  const plan = (over: Partial<CiPlanInput> = {}): CiIntent[] => planCi({ views: node.views, config: gated, since, touched: new Map(), submitted: new Set(), handled: new Set(), ...over })
  const metrics = (throughput: number, latency: number): Metric[] => [
    { name: 'throughput', value: throughput, unit: 'ops/s', direction: 'higher' },
    { name: 'latency', value: latency, unit: 'ms', direction: 'lower' }
  ]
  const measured = async (jobId: string, build: string, m: Metric[]): Promise<void> => {
    await node.post('result', { job: jobId, build, testRun: build, verdict: 'pass', tests: [{ name: 't', status: 'pass' }], logs: [], environment: {}, metrics: m }, [jobId])
    await node.indexer.run()
  }
  const jitter = await revision(node, '[PATCH] a change that costs nothing')
  const slower = await revision(node, '[PATCH] a change that costs a fifth')
  const jitterJob = await job(node, jitter, 'test')
  const slowerJob = await job(node, slower, 'test')
  await node.indexer.run()
  const first = plan()
  t.alike(first.map((i) => [i.kind, i.revision.id, i.kind === 'submit-baselines' ? i.jobs.map((j) => j.id) : []]), [['submit-baselines', jitter, [jitterJob]], ['submit-baselines', slower, [slowerJob]]], 'a baseline for each series job, before any result')
  t.alike(plan({ submitted: new Set([ciBaselineKey(jitter, 'test'), ciBaselineKey(slower, 'test')]) }), [], 'not twice from this process')
  const request = jobRequest(node.views, jitterJob)?.body
  const baseline = await node.post('job.request', baselineOf(request as NonNullable<typeof request>), [])
  await node.indexer.run()
  t.alike(plan(), [], 'one baseline serves both: same repo, base, recipe, profile and tags')
  await measured(jitterJob, 'jitter', metrics(968, 209))
  await measured(slowerJob, 'slower', metrics(800, 240))
  t.alike(plan(), [], 'the series results are in, the baseline is not')
  await measured(baseline.id, 'base', metrics(1000, 200))
  const verdicts = plan().map((i) => [i.kind, i.revision.id, i.kind === 'send-verdict' ? i.metrics.map((m) => [m.profile, m.change.name, m.change.a, m.change.b, m.change.pct, m.change.unit]) : null])
  t.alike(verdicts, [
    ['send-verdict', jitter, []],
    ['send-verdict', slower, [['test', 'throughput', 1000, 800, -20, 'ops/s']]]
  ], '3.2% of jitter is noise; the 20% drop regresses; latency (+20%) is not gated')
})

test('ci plan: a required job cancelled before a result settles its profile: the verdict goes out (saying so) rather than waiting for ever', async (t) => {
  const { node, plan } = await world(t)
  const rev = await revision(node, '[PATCH] xfs: cancelled')
  await job(node, rev, 'build')
  const tests = await job(node, rev, 'test')
  await node.indexer.run()
  t.alike(plan(), [], 'waiting for the required result')
  await node.post('job.progress', { job: tests, step: 'cancel', state: 'cancelled' }, [tests])
  await node.indexer.run()
  t.alike(plan(), [{ kind: 'send-verdict', revision: rev }], 'cancelled: the verdict is due')
  await node.post('note', { subject: CI_NOTES.verdict, text: 'verdict cancelled' }, [rev])
  await node.indexer.run()
  t.alike(plan({ handled: new Set([rev]) }), [], 'recorded: once, like any verdict')
})
