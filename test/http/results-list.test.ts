// GET /api/results and /api/compare: each row says what it tested, a reused
// result counts the run it stands for, stale results are marked, and a
// comparison reads a reused result as its run.
import test from 'brittle'
import { createHttpApp } from '../../node/http/server.js'
import type { BodyOf } from '../../protocol/schemas.js'
import { createNode } from '../helpers/nodes.js'
import { fillMaintainer } from './fill.js'

const REPO = 'https://git.example.org/linux.git'
type Test = BodyOf<'result'>['tests'][number]
interface Row { id: string, total: number, counts: Record<string, number>, failing: string[], run: string | null, stale: boolean, tested: { kind: string | null, ref: string | null, revision: string | null, series: { id: string, version: number } | null, label: string, profile: string | null } }

test('GET /api/results: what each result tested, a reused result\'s counts from its run, stale marked; /api/compare reads a reused result as its run', async (t) => {
  const { node } = await createNode(t, 'maintainer')
  const { v2 } = await fillMaintainer(node, Date.UTC(2026, 1, 1))
  const job = async (body: Partial<BodyOf<'job.request'>>): Promise<string> => (await node.post('job.request', { project: 'linux', repo: REPO, base: 'a'.repeat(40), recipe: {}, profile: 'quick', tags: [], priority: 0, ...body })).id
  const result = async (jobId: string, testRun: string, tests: Test[], extra: Partial<BodyOf<'result'>> = {}): Promise<string> =>
    (await node.post('result', { job: jobId, build: `b-${testRun}`, testRun, verdict: tests.some((x) => x.status === 'fail') ? 'fail' : 'pass', tests, logs: [], environment: {}, ...extra })).id
  const baseline = await result(await job({ ref: 'v6.12' }), 'r1', [{ name: 't1', status: 'pass' }, { name: 't2', status: 'pass' }])
  const series = await result(await job({ revision: v2.id }), 'r2', [{ name: 't1', status: 'pass' }, { name: 't2', status: 'fail' }])
  const reused = await result(await job({ revision: v2.id, priority: 1 }), 'r2', [], { verdict: 'reused', reuses: series })
  const newer = await result(await job({ ref: 'v6.12', priority: 2 }), 'r1-new-env', [{ name: 't1', status: 'pass' }, { name: 't2', status: 'pass' }])
  await node.indexer.run()
  const server = createHttpApp(node, { token: 'x'.repeat(64) })
  t.teardown(() => server.close(), { order: -1 })
  const get = async (url: string): Promise<{ status: number, json: any }> => { const r = await server.inject({ url }); return { status: r.statusCode, json: r.json() } }

  const rows = new Map(((await get('/api/results')).json.results as Row[]).map((r) => [r.id, r]))
  const b = rows.get(baseline)
  t.alike([b?.tested.kind, b?.tested.ref, b?.tested.label, b?.tested.profile], ['baseline', 'v6.12', 'v6.12', 'quick'], 'a baseline names its ref')
  t.ok(b?.stale, 'a newer run of v6.12 with another test-run identity: stale')
  t.absent(rows.get(newer)?.stale)
  const s = rows.get(series)
  t.alike([s?.tested.kind, s?.tested.revision, s?.tested.series?.version], ['revision', v2.id, 2], 'a series run names its revision')
  const r = rows.get(reused)
  t.alike([r?.total, r?.counts.pass, r?.counts.fail, r?.failing, r?.run], [2, 1, 1, ['t2'], series], 'a reused result counts the run it stands for, not 0 tests')

  const c = (await get(`/api/compare?a=${baseline}&b=${reused}`)).json
  t.alike(c.comparison.regressions.map((x: { name: string }) => x.name), ['t2'], 'compared as the run it reuses')
  t.is(c.b.total, 2)
  const gone = await node.post('result', { build: 'x', testRun: 'x', verdict: 'reused', reuses: 'f'.repeat(64), tests: [], logs: [], environment: {} })
  await node.indexer.run()
  const missing = await get(`/api/compare?a=${baseline}&b=${gone.id}`)
  t.is(missing.status, 404)
  t.ok(String(missing.json.message).includes('not here'), missing.json.message)
  t.is(((await get('/api/results')).json.results as Row[]).find((x) => x.id === gone.id)?.run, null, 'its run is not here: run null')
})
