import test from 'brittle'
import { chmodSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { jobView } from '../../node/views/jobs.js'
import { closedGate, parseGates } from '../../runners/gates.js'
import type { GateProbe } from '../../runners/gates.js'
import { cairn } from '../helpers/cli.js'
import { createNode } from '../helpers/nodes.js'
import { fixture, makeProject, settled, startRunner, submit, until } from './fixture.js'

const probe = (over: Partial<GateProbe>): GateProbe => ({
  freeBytes: () => 2 ** 40,
  load1: () => 0.5,
  availableBytes: () => 2 ** 34,
  runScript: async () => ({ ok: true, output: '' }),
  ...over
})

test('gates: each gate closes on its own figure and says which and why', async (t) => {
  const dir = await t.tmp()
  const gates = parseGates({ disk: [`${dir}:5G`], load: '4', mem: '512M' })
  t.alike(gates.disk, [{ path: dir, bytes: 5 * 2 ** 30 }])
  t.is(await closedGate(gates, probe({})), null, 'all hold')
  t.alike(await closedGate(gates, probe({ freeBytes: () => 2 ** 30 })), { gate: `disk:${dir}`, why: `${dir} has 1.0 GiB free, needs 5.0 GiB` })
  t.alike(await closedGate(gates, probe({ load1: () => 6.5 })), { gate: 'load', why: 'load average 6.50 is above 4' })
  t.alike(await closedGate(gates, probe({ availableBytes: () => 2 ** 20 })), { gate: 'mem', why: '1.0 MiB of memory available, needs 512.0 MiB' })
  const script = join(dir, 'gate.sh')
  writeFileSync(script, '#!/bin/sh\necho "nightly backup running"\nexit 1\n')
  chmodSync(script, 0o755)
  t.alike(await closedGate(parseGates({ script }), undefined), { gate: 'script', why: `${script} says no: nightly backup running` }, 'the real script runs')
})

test('gates: bad gate options are BAD_GATE naming what was wrong', async (t) => {
  const dir = await t.tmp()
  t.exception(() => parseGates({ disk: ['/tmp'] }), /BAD_GATE: --gate-disk "\/tmp" must be PATH:SIZE/)
  t.exception(() => parseGates({ disk: [`${dir}:lots`] }), /BAD_GATE: --gate-disk .*: "lots" is not a size/)
  t.exception(() => parseGates({ disk: [`${join(dir, 'nope')}:1G`] }), /BAD_GATE: --gate-disk .*cannot read the free space of .*nope \(ENOENT\)/)
  t.exception(() => parseGates({ load: 'high' }), /BAD_GATE: --gate-load "high" must be a positive number/)
  t.exception(() => parseGates({ mem: '-1G' }), /BAD_GATE: --gate-mem: "-1G" is not a size/)
  writeFileSync(join(dir, 'plain'), 'exit 0\n')
  t.exception(() => parseGates({ script: join(dir, 'plain') }), /BAD_GATE: --gate-script .*plain is not an executable file/)
  const r = cairn(dir, 'runner', 'start', '--tags', '', '--gate-load', 'x')
  t.is(r.status, 1)
  t.ok(r.stderr.includes('cairn: BAD_GATE: --gate-load "x" must be a positive number'), r.stderr)
})

test('gates: a runner whose disk gate fails takes nothing and says why; once the gate holds it runs the job', async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const { node } = await createNode(t, 'lab')
  let free = 2 ** 30
  const { runner, lines } = await startRunner(t, node, {
    pollMs: 50,
    gates: parseGates({ disk: [`${dir}:5G`] }),
    gateProbe: probe({ freeBytes: () => free })
  })
  const job = await submit(node, { repo: project.repo, ref: 'main', recipePath: fixture('recipe.json') })
  const waiting = await until('the gate waiting note', () => jobView(node.views, job, Date.now())?.waiting)
  t.is(waiting, `disk:${dir}: ${dir} has 1.0 GiB free, needs 5.0 GiB`)
  await runner.idle()
  t.is(jobView(node.views, job, Date.now())?.state, 'queued', 'not claimed')
  t.is(node.views.query({ type: 'job.claim' }).length, 0)
  t.ok(lines.some((l) => l === `gate disk:${dir} closed: ${dir} has 1.0 GiB free, needs 5.0 GiB; taking no job`), lines.join(' | '))
  await runner.idle()
  t.is(node.views.query({ type: 'job.progress' }).length, 1, 'said once, not on every look')

  free = 2 ** 40
  const result = await until('the job to run once the gate holds', () => settled(node, job))
  t.is(result.body.verdict, 'fail')
  t.is(jobView(node.views, job, Date.now())?.waiting, null, 'no longer waiting')
  t.ok(lines.includes(`gate disk:${dir} open again`))
})

test('gates: job list shows a job waiting on a gate (runner --once with a gate script)', async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const home = join(dir, 'lab')
  t.is(cairn(home, 'init', '--name', 'lab').status, 0)
  const job = cairn(home, 'job', 'submit', '--repo', project.repo, '--ref', 'main', '--recipe', fixture('recipe.json')).stdout.trim()
  const script = join(dir, 'gate.sh')
  writeFileSync(script, `#!/bin/sh\n[ -e ${join(dir, 'open')} ] || { echo "lab closed for the night"; exit 1; }\n`)
  chmodSync(script, 0o755)
  const run = cairn(home, 'runner', 'start', '--tags', '', '--once', '--gate-script', script)
  t.is(run.status, 0, run.stderr)
  t.ok(run.stdout.includes(`gate script closed: ${script} says no: lab closed for the night; taking no job`), run.stdout)
  const list = cairn(home, 'job', 'list')
  t.ok(list.stdout.startsWith(`${job.slice(0, 12)} waiting `), list.stdout)
  t.ok(list.stdout.includes(`(gate script: ${script} says no: lab closed for the night)`), list.stdout)
  const rows = JSON.parse(cairn(home, 'job', 'list', '--json').stdout) as Array<{ state: string, waiting: string | null }>
  t.alike(rows.map((r) => [r.state, r.waiting]), [['queued', `script: ${script} says no: lab closed for the night`]])
  writeFileSync(join(dir, 'open'), '')
  const again = cairn(home, 'runner', 'start', '--tags', '', '--once', '--gate-script', script)
  t.ok(again.stdout.includes(`job ${job.slice(0, 12)}: fail`), again.stdout)
  rmSync(join(dir, 'open'))
})
