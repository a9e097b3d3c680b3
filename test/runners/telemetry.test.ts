import test from 'brittle'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestInstance } from 'brittle'
import type { CairnNode } from '../../node/node.js'
import type { ResultEvent } from '../../node/views/results.js'
import type { Telemetry } from '../../runners/telemetry.js'
import { createNode } from '../helpers/nodes.js'
import { makeProject, settled, startRunner, submit, until } from './fixture.js'

/** One job of a one-step project whose test step runs `script`, on a runner sampling every `telemetryMs`. */
async function runOne (t: TestInstance, script: string, telemetryMs: number): Promise<{ node: CairnNode, result: ResultEvent }> {
  const dir = await t.tmp()
  const project = makeProject(dir, { script })
  writeFileSync(join(dir, 'recipe.json'), JSON.stringify({ test: { run: 'sh t.sh', parser: 'tap' } }))
  const { node } = await createNode(t, 'lab')
  await startRunner(t, node, { telemetryMs })
  const job = await submit(node, { repo: project.repo, ref: 'main', recipePath: join(dir, 'recipe.json') })
  return { node, result: await until('the result', () => settled(node, job)) }
}

test('telemetry: a step\'s processes are sampled while it runs and stored as a blob of the result', async (t) => {
  // Busy for a while in a child of the step's shell, holding some memory: CPU, RSS and processes to see.
  const { node, result } = await runOne(t, 'node -e "const b = Buffer.alloc(64 << 20, 1); const end = Date.now() + 600; while (Date.now() < end) b[0]++" ; echo 1..1; echo ok 1 - busy\n', 50)
  t.is(result.body.verdict, 'pass', result.body.message ?? '')
  const names = result.body.logs.map((l) => l.name)
  t.ok(names.includes('telemetry/test-test.json'), names.join(' '))
  const ref = result.body.logs.find((l) => l.name === 'telemetry/test-test.json')?.blob
  if (ref === undefined) return
  const series = JSON.parse((await node.blobs.get(ref)).toString('utf8')) as Telemetry
  t.alike([series.v, series.step, series.intervalMs], [1, 'test:test', 50])
  const n = series.t.length
  t.ok(n >= 3, `${n} samples`)
  t.ok([series.cpu, series.rssBytes, series.readBytes, series.writeBytes, series.procs].every((col) => col.length === n), 'one value per sample in every column')
  t.ok(series.t.every((x, i) => i === 0 || x > (series.t[i - 1] as number)), 'time goes forward')
  t.ok(Math.max(...series.procs) >= 2, 'the shell and its node child were seen')
  t.ok(Math.max(...series.rssBytes) > 64 << 20, `the 64 MiB buffer shows in RSS (peak ${Math.max(...series.rssBytes)})`)
  t.ok(Math.max(...series.cpu) > 0, 'CPU time was counted')
})

test('telemetry: telemetryMs 0 stores none', async (t) => {
  const { result } = await runOne(t, 'sleep 0.2; echo 1..1; echo ok 1 - quick\n', 0)
  t.alike(result.body.logs.map((l) => l.name), ['test-test.log'])
})

test('telemetry: a step shorter than one interval still has a sample at its start and one at its end', async (t) => {
  const { node, result } = await runOne(t, 'echo 1..1; echo ok 1 - quick\n', 60_000)
  t.is(result.body.verdict, 'pass', result.body.message ?? '')
  const ref = result.body.logs.find((l) => l.name === 'telemetry/test-test.json')?.blob
  t.ok(ref !== undefined, 'the quick step has a telemetry blob')
  if (ref === undefined) return
  const series = JSON.parse((await node.blobs.get(ref)).toString('utf8')) as Telemetry
  t.is(series.t.length, 2, 'start and end, no interval sample between')
  t.ok((series.t[0] as number) < 1, `the first at the start (${series.t[0]} ms)`)
  t.ok((series.t[1] as number) > (series.t[0] as number), 'the last after it')
  t.is(series.cpu[0], 0, 'no CPU figure without an interval behind it')
})
