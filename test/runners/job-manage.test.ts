// Managing runs: jobs run again on purpose (reuse off, `job rerun`), their
// local leftovers cleaned.
import test from 'brittle'
import { jobRequest } from '../../node/views/jobs.js'
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
