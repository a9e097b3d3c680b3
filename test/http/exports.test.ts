import test from 'brittle'
import { spawnSync } from 'node:child_process'
import { createNode } from '../helpers/nodes.js'
import { fixture, makeProject, settled, startRunner, submit, until } from '../runners/fixture.js'
import { serve } from './serve.js'

// Debian's python3-prometheus-client goes with Debian's python (.ci/run installs it).
const PYTHON = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import prometheus_client']).status === 0)
if (PYTHON === undefined) console.log('# the /metrics text is not checked by prometheus_client: apt-get install python3-prometheus-client')

const PARSE = `
import sys, json
from prometheus_client.openmetrics.parser import text_string_to_metric_families
out = {}
for f in text_string_to_metric_families(sys.stdin.read()):
    out[f.name] = [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]
print(json.dumps(out))
`

test('exports: /metrics in OpenMetrics text a standard parser reads; a job\'s trace as trace-event JSON', async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const { node, home } = await createNode(t, 'lab')
  await startRunner(t, node, { telemetryMs: 0 })
  const job = await submit(node, { repo: project.repo, ref: 'main', recipePath: fixture('recipe.json') })
  const result = await until('the result', () => settled(node, job))
  const http = await serve(t, node, home)

  const res = await http.get('/metrics')
  t.is(res.status, 200)
  t.is(res.headers.get('content-type'), 'application/openmetrics-text; version=1.0.0; charset=utf-8')
  const text = await res.text()
  t.ok(text.endsWith('# EOF\n'))
  t.ok(text.includes('cairn_jobs{state="failed"} 1'), 'the failed job')
  t.ok(text.includes(`cairn_results_total{runner="${node.identityKey}",verdict="fail"} 1`))
  t.ok(text.includes(`cairn_job_run_seconds_count{runner="${node.identityKey}"} 1`))
  if (PYTHON !== undefined) {
    const parsed = spawnSync(PYTHON, ['-c', PARSE], { input: text, encoding: 'utf8' })
    t.is(parsed.status, 0, parsed.stderr)
    const families = JSON.parse(parsed.stdout) as Record<string, Array<{ name: string, labels: Record<string, string>, value: number }>>
    t.alike(families.cairn_jobs?.map((s) => [s.labels.state, s.value]), [['failed', 1]])
    t.is(families.cairn_node?.[0]?.labels.name, 'lab')
    t.is(families.cairn_results?.[0]?.name, 'cairn_results_total')
    t.ok((families.cairn_job_run_seconds?.find((s) => s.name === 'cairn_job_run_seconds_sum')?.value ?? -1) >= 0)
  }

  const trace = await http.json<{ traceEvents: Array<{ name: string, ph: string, ts: number, pid: number, tid: number, dur?: number, args?: Record<string, unknown> }> }>(`/api/jobs/${job}/trace`)
  const events = trace.traceEvents
  t.ok(events.every((e) => typeof e.name === 'string' && ['X', 'i', 'M'].includes(e.ph) && Number.isFinite(e.ts) && e.pid === 1 && Number.isInteger(e.tid)), 'every event well formed')
  t.ok(events.filter((e) => e.ph === 'X').every((e) => typeof e.dur === 'number' && e.dur >= 0), 'spans have a duration')
  const names = events.filter((e) => e.ph !== 'M').map((e) => e.name)
  for (const n of ['requested', 'queued', 'claimed', 'prepare', 'identify', 'test:test', 'result']) t.ok(names.includes(n), `${n} in the trace`)
  t.alike(events.find((e) => e.name === 'result')?.args, { verdict: 'fail', result: result.id })
  t.ok(['done', 'failed'].includes(String(events.find((e) => e.name === 'test:test')?.args?.state)), 'the test step as a span with its end state')

  t.is((await http.get(`/api/jobs/${'0'.repeat(64)}/trace`)).status, 404)
  const bad = await http.get('/api/jobs/nope/trace')
  t.is(bad.status, 400)
  t.is(((await bad.json()) as { error: string }).error, 'BAD_ID')
})
