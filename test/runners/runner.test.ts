import test from 'brittle'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { jobView } from '../../node/views/jobs.js'
import { resultsOfJob } from '../../node/views/results.js'
import { Runner } from '../../runners/runner.js'
import { jobRequestBody } from '../../runners/submit.js'
import { createNode, syncOnce } from '../helpers/nodes.js'
import { allGone, fixture, liveSync, makeProject, postSeries, settled, startRunner, submit, until } from './fixture.js'

test('runner: two runners race for one job; one claim wins, one result is published', async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir, { script: 'sleep 0.3; echo 1..1; echo ok 1 - slow\n' })
  const { node: m } = await createNode(t, 'maintainer')
  const { node: a } = await createNode(t, 'lab-a')
  const { node: b } = await createNode(t, 'lab-b')
  for (const r of [a, b]) {
    await r.trust(m.identityKey, ['maintainer'])
    await m.trust(r.identityKey, ['runner'])
  }
  await a.trust(b.identityKey, ['runner'])
  await b.trust(a.identityKey, ['runner'])
  await liveSync(t, m, a)
  await liveSync(t, m, b)
  await liveSync(t, a, b)
  // The default settle period: claims must cross two hops of replication within it.
  const ra = await startRunner(t, a, { settleMs: 1000 })
  const rb = await startRunner(t, b, { settleMs: 1000 })

  const job = await submit(m, { repo: project.repo, ref: 'main', recipePath: fixture('recipe.json') })
  const result = await until('a result on the maintainer node', () => settled(m, job), 60_000)
  const winner = result.author === a.identityKey ? ra : rb
  const loser = winner === ra ? rb : ra
  // What proves no second result is coming: the other runner considered the job and left it to the winner.
  await until('the other runner to leave the job to the winner', () => loser.lines.some((l) => l.includes('left to it')))
  await until('both runners idle', () => ra.runner.runningJobs.length + rb.runner.runningJobs.length === 0)
  t.is(ra.runner.published.length + rb.runner.published.length, 1, 'one runner published')
  t.is(resultsOfJob(m.views, job).length, 1, 'exactly one result')
  t.is(jobView(m.views, job, Date.now())?.state, 'done')
  t.alike(result.body.tests.map((x) => [x.name, x.status]), [['slow', 'pass']])
})

test('runner: a lease that is not renewed expires and another runner takes the job over', async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const { node: a } = await createNode(t, 'lab-a')
  const { node: b } = await createNode(t, 'lab-b')
  await a.trust(b.identityKey, ['runner'])
  await b.trust(a.identityKey, ['maintainer', 'runner'])
  await liveSync(t, a, b)
  const job = await submit(a, { repo: project.repo, ref: 'main', recipePath: fixture('recipe.json') })
  // lab-a claims and goes silent (as if it hung): its lease runs out in 1.5 s.
  const leaseUntil = Date.now() + 1500
  const claim = await a.post('job.claim', { job, runner: a.identityKey, leaseUntil }, [job])
  // The claim event itself, not the state at this moment: on a busy machine
  // the lease may have run out by the time it arrives, which is fine here.
  await until('the claim to reach lab-b', () => b.views.has(claim.id), 60_000)
  const rb = await startRunner(t, b, { pollMs: 100 })
  const result = await until('lab-b to finish the job', () => settled(b, job), 60_000)
  t.is(result.author, b.identityKey)
  const claimB = b.views.query({ type: 'job.claim', author: b.identityKey })[0]
  t.ok(claimB !== undefined && claimB.ts >= leaseUntil, 'lab-b claimed only once the lease had run out')
  const view = jobView(b.views, job, Date.now())
  t.alike([view?.state, view?.runner, view?.expired], ['failed', b.identityKey, [a.identityKey]], 'failed (test 2 fails on main), run by lab-b after lab-a expired')
  t.ok(rb.lines.some((l) => l.includes('claimed')))
})

test('runner: a baseline published by one lab is reused by another after sync, not run again', async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const { node: a } = await createNode(t, 'lab-a')
  const { node: b } = await createNode(t, 'lab-b')
  const ra = await startRunner(t, a)
  const jobA = await submit(a, { repo: project.repo, ref: 'main', recipePath: fixture('recipe.json') })
  const original = await until('lab-a to run the baseline', () => settled(a, jobA))
  t.is(original.body.verdict, 'fail')
  t.is(ra.runner.published.length, 1)

  await b.trust(a.identityKey, ['runner'])
  t.ok(await syncOnce(a, b), 'lab-b synced with lab-a')
  const rb = await startRunner(t, b)
  const jobB = await submit(b, { repo: project.repo, ref: 'main', recipePath: fixture('recipe.json') })
  const reuse = await until('lab-b to settle its job', () => settled(b, jobB))
  t.is(reuse.body.verdict, 'reused')
  t.is(reuse.body.reuses, original.id)
  t.alike([reuse.body.build, reuse.body.testRun], [original.body.build, original.body.testRun], 'same identities')
  t.absent(b.views.query({ type: 'job.progress' }).some((e) => e.type === 'job.progress' && e.body.job === jobB && e.body.step.startsWith('test:')), 'no test step ran on lab-b')
  t.is(rb.runner.published.length, 1)

  // An untrusted runner's result is not reused: lab-c does not trust lab-a.
  const { node: c } = await createNode(t, 'lab-c')
  t.ok(await syncOnce(a, c))
  await startRunner(t, c)
  const jobC = await submit(c, { repo: project.repo, ref: 'main', recipePath: fixture('recipe.json') })
  const own = await until('lab-c to settle its job', () => settled(c, jobC))
  t.is(own.body.verdict, 'fail', 'lab-c ran it itself')
  t.is(own.body.testRun, original.body.testRun, 'and got the same test-run identity')
})

test('runner: checked-in recipe, series applied, artifacts kept; a series that does not apply is a result; untrusted publishers are ignored', async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const { node } = await createNode(t, 'lab')
  const { runner, lines } = await startRunner(t, node)
  const good = await postSeries(node, project.fix, { series: 'fix', base: 'main' })
  const bad = await postSeries(node, project.broken, { series: 'broken', base: 'main', diffOnly: true })

  const jobGood = await submit(node, { repo: project.repo, series: 'fix' })
  t.alike((await jobRequestBody(node.views, { repo: project.repo, series: 'fix' })).body.recipe, {}, 'no --recipe: the checked-in one')
  const pass = await until('the series job', () => settled(node, jobGood))
  t.is(pass.body.verdict, 'pass', pass.body.message ?? '')
  t.alike(pass.body.tests.map((x) => x.status), ['pass', 'pass', 'pass'])
  t.alike(pass.body.logs.map((l) => l.name).filter((n) => !n.startsWith('telemetry/')).sort(), ['apply.log', 'artifacts/value', 'build-prepare.log', 'test-test.log'])
  const artifact = pass.body.logs.find((l) => l.name === 'artifacts/value')
  t.is((await node.blobs.get(artifact?.blob ?? pass.body.logs[0]!.blob)).toString(), '42\n', 'the artifact holds the patched file')
  t.ok(/^[0-9a-df-np-sv-z]{52}$/.test(pass.body.build) && /^[0-9a-df-np-sv-z]{52}$/.test(pass.body.testRun), 'identities in nix-base32')
  t.is(jobView(node.views, jobGood, Date.now())?.request.body.revision, good)

  const jobBad = await submit(node, { repo: project.repo, series: bad })
  const failed = await until('the broken series job', () => settled(node, jobBad))
  t.is(failed.body.verdict, 'apply-failed')
  t.ok(/patch does not apply|patch failed/.test(failed.body.message ?? ''), 'git\'s own words: ' + (failed.body.message?.split('\n')[1] ?? ''))
  t.alike(failed.body.logs.map((l) => l.name), ['apply.log'])
  t.is(jobView(node.views, jobBad, Date.now())?.state, 'failed')

  const { node: stranger } = await createNode(t, 'stranger')
  t.ok(await syncOnce(node, stranger))
  const foreign = await submit(stranger, { repo: project.repo, ref: 'main', recipePath: fixture('recipe.json') })
  t.ok(await syncOnce(stranger, node))
  await until('the foreign job to be indexed', () => jobView(node.views, foreign, Date.now()))
  await runner.idle()
  t.is(jobView(node.views, foreign, Date.now())?.state, 'queued', 'a job from an identity not trusted as maintainer is not run')
  t.absent(lines.some((l) => l.includes(foreign.slice(0, 12))))
})

test('runner: cancelling a running job kills its process group and records it aborted', async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir, { script: 'echo $$ > "$PIDFILE"; sleep 30' })
  const pidfile = join(dir, 'step.pid')
  writeFileSync(join(dir, 'recipe.json'), JSON.stringify({ test: { run: 'sh t.sh', parser: 'tap' }, env: { PIDFILE: pidfile } }))
  const { node } = await createNode(t, 'lab')
  await startRunner(t, node)
  const job = await submit(node, { repo: project.repo, ref: 'main', recipePath: join(dir, 'recipe.json') })
  const pid = await until('the step to start', () => { try { return Number(readFileSync(pidfile, 'utf8')) || null } catch { return null } })
  await node.post('job.progress', { job, step: 'cancel', state: 'cancelled' }, [job])
  const aborted = await until('the aborted result', () => resultsOfJob(node.views, job)[0])
  t.is(aborted.body.verdict, 'aborted')
  t.is(aborted.body.message, 'cancelled')
  t.ok(await allGone([pid]), 'the step is gone')
  const view = jobView(node.views, job, Date.now())
  t.alike([view?.state, view?.cancelled], ['aborted', true])
})

test('runner: a restarted runner kills what its earlier life left running and reports its unfinished claims', async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const { node } = await createNode(t, 'lab')
  const job = await submit(node, { repo: project.repo, ref: 'main', recipePath: fixture('recipe.json') })
  // The earlier life: a claim with a long lease, and a step still running in its own group.
  await node.post('job.claim', { job, runner: node.identityKey, leaseUntil: Date.now() + 600_000 }, [job])
  const orphan = spawn('/bin/sh', ['-c', 'sleep 30'], { detached: true, stdio: 'ignore', env: { PATH: process.env.PATH ?? '', CAIRN_JOB: job } })
  orphan.unref()
  const pid = orphan.pid as number
  t.teardown(() => { try { process.kill(-pid, 'SIGKILL') } catch {} })
  const workdir = await t.tmp()
  writeFileSync(join(workdir, 'active.json'), JSON.stringify([{ job, step: 'test:test', pgid: pid, started: Date.now() }]))

  const { lines, runner } = await startRunner(t, node, { workdir })
  t.ok(await allGone([pid]), 'the leftover step was killed')
  t.ok(lines.some((l) => l.includes(`killed leftover process group ${pid}`)), lines[0] ?? '')
  t.ok(lines.some((l) => l.includes('unfinished claim from an earlier run; recorded aborted')))
  const [result] = resultsOfJob(node.views, job)
  t.is(result?.body.verdict, 'aborted')
  t.is(jobView(node.views, job, Date.now())?.state, 'aborted', 'the job reads aborted, no claim left dangling')
  await runner.idle()
  t.is(runner.published.length, 1, 'an aborted job is not picked up again by itself')
})

test('runner: a second runner on a workdir in use is refused with WORKDIR_LOCKED', async (t) => {
  const { node } = await createNode(t, 'lab')
  const { workdir } = await startRunner(t, node)
  const second = new Runner(node, { tags: [], workdir, jobs: 1, leaseMs: 5000 })
  await t.exception(async () => await second.start(), /WORKDIR_LOCKED: another runner \(pid \d+\) uses .*; stop it or give this one its own --workdir/)
})
