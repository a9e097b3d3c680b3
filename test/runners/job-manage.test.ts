// Managing runs: jobs run again on purpose (reuse off, `job rerun`), their
// local leftovers cleaned.
import test from 'brittle'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { jobRequest } from '../../node/views/jobs.js'
import { cleanJob } from '../../runners/clean.js'
import { cairn } from '../helpers/cli.js'
import { createNode } from '../helpers/nodes.js'
import { fixture, makeProject, settled, startRunner, submit, until } from './fixture.js'

test('job: reuse false runs the job again though a result of its test-run identity exists', async (t) => {
  const project = makeProject(await t.tmp())
  const { node } = await createNode(t, 'lab')
  const { runner } = await startRunner(t, node)
  const opts = { repo: project.repo, ref: 'main', recipePath: fixture('recipe.json') }
  const firstJob = await submit(node, opts)
  const first = await until('the first run', () => settled(node, firstJob))
  t.is(first.body.verdict, 'fail')
  const sameJob = await submit(node, opts)
  t.is((await until('the same job again', () => settled(node, sameJob))).body.verdict, 'reused', 'by default the result is reused')
  const againJob = await submit(node, { ...opts, reuse: false })
  t.is(jobRequest(node.views, againJob)?.body.reuse, false)
  const again = await until('the job run again', () => settled(node, againJob))
  t.is(again.body.verdict, 'fail', 'run, not reused')
  t.is(again.body.testRun, first.body.testRun, 'same test-run identity')
  t.is(runner.published.length, 3)
})

test('CLI: job rerun submits the same inputs again, not reused; an unfinished job is refused', { timeout: 120_000 }, async (t) => {
  const project = makeProject(await t.tmp())
  const home = join(await t.tmp(), 'lab')
  cairn(home, 'init', '--name', 'lab')
  const recipe = fixture('recipe.json')
  const job = cairn(home, 'job', 'submit', '--repo', project.repo, '--ref', 'main', '--recipe', recipe).stdout.trim()
  const early = cairn(home, 'job', 'rerun', job.slice(0, 12))
  t.is(early.status, 1)
  t.ok(early.stderr.includes('JOB_UNFINISHED') && early.stderr.includes('queued'), early.stderr)
  t.is(cairn(home, 'runner', 'start', '--tags', '', '--once').status, 0)
  const rerun = cairn(home, 'job', 'rerun', job.slice(0, 12))
  t.is(rerun.status, 0, rerun.stderr)
  const again = rerun.stdout.trim()
  const run = cairn(home, 'runner', 'start', '--tags', '', '--once')
  t.ok(run.stdout.includes(`job ${again.slice(0, 12)}: fail (3 tests`), `run again, not reused: ${run.stdout}`)
  const jobs = JSON.parse(cairn(home, 'job', 'list', '--json').stdout) as Array<{ id: string, base: string, rerunOf: string | null, verdict: string }>
  const [first, second] = [jobs.find((j) => j.id === job), jobs.find((j) => j.id === again)]
  t.alike([second?.rerunOf, second?.base, second?.verdict], [job, first?.base, 'fail'])
  t.ok(cairn(home, 'job', 'list').stdout.includes(`(rerun of ${job.slice(0, 12)})`))
  const unknown = cairn(home, 'job', 'rerun', 'f'.repeat(64))
  t.is(unknown.status, 4)
  t.ok(unknown.stderr.includes('JOB_UNKNOWN'), unknown.stderr)
})

test('job clean: a finished job\'s leftover work directory and this node\'s copy of its logs are freed; its result stays', async (t) => {
  const project = makeProject(await t.tmp())
  const { node } = await createNode(t, 'lab')
  const { workdir } = await startRunner(t, node)
  const job = await submit(node, { repo: project.repo, ref: 'main', recipePath: fixture('recipe.json') })
  const result = await until('the run', () => settled(node, job))
  const log = result.body.logs[0]
  if (log === undefined) throw new Error('no log stored')
  const text = await node.blobs.get(log.blob)
  t.ok(text.byteLength > 0, 'the log is here')
  const leftover = join(workdir, 'jobs', job, 'src')
  mkdirSync(leftover, { recursive: true }) // as a runner killed mid-job leaves it
  const cleaned = await cleanJob(node, job, workdir)
  t.is(cleaned.dir, join(workdir, 'jobs', job))
  t.absent(existsSync(leftover))
  t.is(cleaned.blobs, new Set(result.body.logs.map((l) => l.blob.hash)).size, 'every log and artifact freed')
  await t.exception(async () => await node.blobs.get(log.blob), /BLOB_MISSING/, 'the log is no longer here')
  t.is(settled(node, job)?.id, result.id, 'the result stays')
  t.alike(await cleanJob(node, job, workdir), { job, dir: null, blobs: 0, bytes: 0 }, 'cleaning again frees nothing')
  const stored = await node.blobs.put(text)
  t.ok(stored.offset > log.blob.offset, 'the same content stored again is appended anew, not pointed at the freed blocks')
  t.alike(await node.blobs.get(stored), text)
})
