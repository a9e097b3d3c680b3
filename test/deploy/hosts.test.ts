// A real multi-host network: each host a network namespace with its own
// address on a private 10.x bridge, each cairn in its own process, started as
// the units start them. A private bootstrap node; two nodes that meet through
// the DHT; runners on further hosts that reach one node directly; a series
// arrives at one end and its result comes back from another host; then the
// lab host is cut off (its link down) until the others drop it, submits a
// job meanwhile, rejoins, and everything converges.
import test from 'brittle'
import { join } from 'node:path'
import { DIFF, rawMail } from '../email/ingest-fixture.js'
import { helperArgv, killed } from '../helpers/child.js'
import { cairnArgv, runArgv, watchedChild } from '../helpers/cli.js'
import type { CairnChild } from '../helpers/cli.js'
import { makeHosts, netnsUnavailable } from '../helpers/netns.js'
import type { Host } from '../helpers/netns.js'
import { makeProject } from '../runners/fixture.js'
import { homes, seen } from './lab.js'
import type { Sse } from './lab.js'

const skip = netnsUnavailable()
const FIX = rawMail({ id: 'fix@hosts.test', subject: '[PATCH] value: fix the answer', body: 'It was off by one.\n' + DIFF('value', '41', '42') })

test('hosts: a series ingested on one host is tested by the runner with its tags on another, the result reaches the first through the swarm; a host cut off and back converges', { skip: skip ?? false, timeout: 180_000 }, async (t) => {
  if (skip !== null) t.comment(`skipped: ${skip}`)
  const dir = await t.tmp()
  const project = makeProject(dir)
  const [bootHost, labHost, revHost, x86Host, armHost] = makeHosts(t, 5) as [Host, Host, Host, Host, Host]
  const h = await homes(dir, ['lab', 'rev', 'x86', 'arm'], {
    lab: { x86: ['runner'], arm: ['runner'] },
    rev: { lab: ['maintainer'], x86: ['runner'], arm: ['runner'] },
    x86: { lab: ['maintainer'] },
    arm: { lab: ['maintainer'] }
  })
  const home = (name: string): string => h[name]?.home ?? ''
  const on = (host: Host, name: string, ...args: string[]): CairnChild => watchedChild(t, host.exec(cairnArgv(home(name), ...args)))

  const bootstrap = `${bootHost.addr}:49737`
  const boot = watchedChild(t, bootHost.exec(cairnArgv(join(dir, 'unused'), 'bootstrap', '--listen', bootstrap)))
  await boot.waitFor(/^bootstrap listening on /)

  // One after the other, as in bootstrap.test.ts: the second lookup finds the first announcement.
  const swarm = ['--swarm', '--reachable', '--bootstrap', bootstrap, '--topic', 'hosts', '--http', '127.0.0.1:7420']
  const lab = on(labHost, 'lab', 'start', ...swarm)
  await lab.waitFor(/^swarm\s+joined topic "hosts" \(reachable\)$/)
  const rev = on(revHost, 'rev', 'start', ...swarm, '--listen', `${revHost.addr}:7421`)
  await rev.waitFor(/^swarm\s+joined topic "hosts"/)
  await rev.waitFor(/^http\s+/)
  await lab.waitFor(/^http\s+/)
  const watchLab = watchedChild(t, labHost.exec(helperArgv('sse-child', ['http://127.0.0.1:7420/'])))
  const watchRev = watchedChild(t, revHost.exec(helperArgv('sse-child', ['http://127.0.0.1:7420/'])))
  await watchLab.waitFor(/"event":"hello"/)
  await watchRev.waitFor(/"event":"hello"/)

  // The runners reach the reviewer's node directly (--connect), on another host than the lab.
  const runnerArgs = ['--lease', '30s', '--connect', `${revHost.addr}:7421`, '--workdir']
  const x86 = on(x86Host, 'x86', 'runner', 'start', '--tags', 'x86_64', ...runnerArgs, join(dir, 'work-x86'))
  const arm = on(armHost, 'arm', 'runner', 'start', '--tags', 'arm64', ...runnerArgs, join(dir, 'work-arm'))
  await x86.waitFor(/^runner ready/)
  await arm.waitFor(/^runner ready/)

  const ingested = runArgv(labHost.exec(cairnArgv(home('lab'), 'ingest', 'mail', '--list', 'hosts')), FIX)
  t.is(ingested.status, 0, `the lab's bridge ingests the series beside its daemon: ${ingested.stderr}`)
  const revision = await watchRev.waitFor(/"type":"series\.revision"/)
  t.pass('the revision crossed from the lab host to the reviewer host through the swarm')
  const revisionId = (JSON.parse(revision.input) as Sse).data.id ?? ''

  const submitted = runArgv(labHost.exec(cairnArgv(home('lab'), 'job', 'submit', '--series', 'fix@hosts.test', '--repo', project.repo, '--base', 'main', '--tags', 'x86_64')))
  if (submitted.status !== 0) throw new Error(`job submit failed: ${submitted.stderr}`)
  const job = submitted.stdout.trim()
  await x86.waitFor(new RegExp(`job ${job.slice(0, 12)}: pass`), 120_000)
  t.pass('the x86_64 runner, two hosts away from the lab, ran the job and the fix passed')
  const result = await watchLab.waitFor(/"type":"result"/, 60_000)
  t.is((JSON.parse(result.input) as Sse).data.body?.job, job, 'the result came back to the lab: runner host -> reviewer host -> swarm -> lab host')
  t.is(arm.count(/claimed|job [0-9a-f]{12}:/), 0, `the arm64 runner took nothing: ${arm.lines.join(' | ')}`)

  const jobs = JSON.parse(runArgv(labHost.exec(cairnArgv(home('lab'), 'job', 'list', '--json'))).stdout) as Array<{ id: string, state: string, verdict: string | null, revision: string | null }>
  t.alike(jobs.map((j) => [j.id, j.state, j.verdict, j.revision]), [[job, 'done', 'pass', revisionId]], 'the lab sees the job done, for that revision')
  t.alike(seen(watchRev).filter((e) => e.event === 'event').map((e) => e.data.type).filter((type) => type === 'series.revision' || type === 'job.request' || type === 'result'),
    ['series.revision', 'job.request', 'result'], 'the reviewer host saw each step once, in order')


  // The lab host is cut off while work goes on there, then rejoins.
  labHost.link(false)
  const cutAt = Date.now()
  await rev.waitFor(new RegExp(`peer ${labHost.addr.replace(/\./g, '\\.')}:\\d+: connection timed out`), 120_000)
  t.comment(`the reviewer dropped the lab ${Date.now() - cutAt} ms after the cut`)
  const baseline = runArgv(labHost.exec(cairnArgv(home('lab'), 'job', 'submit', '--repo', project.repo, '--ref', 'main', '--tags', 'x86_64')))
  if (baseline.status !== 0) throw new Error(`job submit failed: ${baseline.stderr}`)
  const second = baseline.stdout.trim()
  labHost.link(true)
  await x86.waitFor(new RegExp(`job ${second.slice(0, 12)}: fail`), 120_000)
  t.pass('after the lab host rejoined, its job reached the runner (the baseline has its known failure)')
  await watchLab.waitFor(new RegExp(`"type":"result".*"job":"${second}"`), 60_000)
  const results = seen(watchLab).filter((e) => e.data.type === 'result').map((e) => e.data.body?.job)
  t.alike(results, [job, second], 'and its result came back: one result per job, none lost or twice')
  const list = (host: Host, name: string): unknown => JSON.parse(runArgv(host.exec(cairnArgv(home(name), 'job', 'list', '--json'))).stdout)
  t.alike(list(revHost, 'rev'), list(labHost, 'lab'), 'the reviewer host holds the same jobs, in the same states')

  for (const c of [x86, arm, watchLab, watchRev]) await killed(c.child, 'SIGTERM')
  for (const c of [lab, rev, boot]) {
    await killed(c.child, 'SIGTERM')
    t.is(c.child.exitCode, 0, `exit 0 after SIGTERM: ${c.lines.filter((l) => l.startsWith('stderr')).join('\n')}`)
  }
})
