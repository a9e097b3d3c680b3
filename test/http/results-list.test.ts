// GET /api/results and /api/compare: each row says what it tested, a reused
// result counts the run it stands for, stale results are marked, and a
// comparison reads a reused result as its run.
import test from 'brittle'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { setArchivedBefore } from '../../node/storage/archive-setting.js'
import { createHttpApp } from '../../node/http/server.js'
import type { BodyOf } from '../../protocol/schemas.js'
import { cairn } from '../helpers/cli.js'
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

test('archive: results published before a date leave /api/results and results list, stay with archived=1 / --archived, and come back on --restore', { timeout: 60_000 }, async (t) => {
  const { node, home } = await createNode(t, 'lab')
  const old = await node.postMany([{ type: 'result', ts: Date.UTC(2025, 0, 1), body: { build: 'old', testRun: 'old', verdict: 'pass', tests: [{ name: 't', status: 'pass' }], logs: [], environment: {} } }])
  const fresh = await node.post('result', { build: 'new', testRun: 'new', verdict: 'pass', tests: [{ name: 't', status: 'pass' }], logs: [], environment: {} })
  await node.indexer.run()
  const server = createHttpApp(node, { token: 'x'.repeat(64) })
  t.teardown(() => server.close(), { order: -1 })
  const ids = async (q = ''): Promise<string[]> => ((await server.inject({ url: `/api/results${q}` })).json().results as Row[]).map((r) => r.id)
  t.alike(await ids(), [fresh.id, old[0]?.id])
  setArchivedBefore(home, Date.UTC(2026, 0, 1))
  t.alike(await ids(), [fresh.id], 'the old result is archived')
  t.alike(await ids('?archived=1'), [fresh.id, old[0]?.id], 'archived=1 includes it')
  t.is((await server.inject({ url: '/api/results?archived=yes' })).statusCode, 400)
  setArchivedBefore(home, null)
  t.alike(await ids(), [fresh.id, old[0]?.id], 'restored')
})

test('CLI: results archive --before DATE, results list --archived, --restore; a bad date is a usage error', { timeout: 60_000 }, async (t) => {
  const home = join(await t.tmp(), 'lab')
  const node = await CairnNode.init(home, 'lab')
  await node.postMany([{ type: 'result', ts: Date.UTC(2025, 0, 1), body: { build: 'old', testRun: 'old', verdict: 'pass', tests: [], logs: [], environment: {} } }])
  await node.post('result', { build: 'new', testRun: 'new', verdict: 'pass', tests: [], logs: [], environment: {} })
  await node.close()
  const count = (...args: string[]): number => (JSON.parse(cairn(home, 'results', 'list', '--json', ...args).stdout) as unknown[]).length
  t.is(count(), 2)
  const a = cairn(home, 'results', 'archive', '--before', '2026-01-01')
  t.is(a.status, 0, a.stderr)
  t.ok(a.stdout.startsWith('archived 1 result(s) published before 2026-01-01T00:00:00.000Z'), a.stdout)
  t.alike([count(), count('--archived')], [1, 2])
  t.is(cairn(home, 'results', 'archive', '--before', 'last tuesday').status, 2)
  t.is(cairn(home, 'results', 'archive').status, 2, 'neither --before nor --restore')
  t.is(cairn(home, 'results', 'archive', '--restore').status, 0)
  t.is(count(), 2, 'back')
})

test('archive: history and regressions leave archived results out (API and CLI), archived=1 / --archived bring them in; a named result still compares', { timeout: 60_000 }, async (t) => {
  const { node, home } = await createNode(t, 'lab')
  const OLD = Date.UTC(2025, 0, 1)
  const job = (ref: string, ts?: number): { type: 'job.request', ts?: number, body: BodyOf<'job.request'> } => ({ type: 'job.request', ...(ts === undefined ? {} : { ts }), body: { project: 'linux', repo: REPO, base: ref.padEnd(40, '0'), ref, recipe: {}, profile: 'quick', tags: [], priority: 0 } })
  const [j1] = await node.postMany([job('v1', OLD)])
  const [r1] = await node.postMany([{ type: 'result', ts: OLD + 1, body: { job: j1?.id as string, build: 'b1', testRun: 'r1', verdict: 'pass', tests: [{ name: 't', status: 'pass' }], logs: [], environment: {} } }])
  const j2 = await node.post('job.request', job('v2').body)
  const r2 = await node.post('result', { job: j2.id, build: 'b2', testRun: 'r2', verdict: 'fail', tests: [{ name: 't', status: 'fail' }], logs: [], environment: {} })
  await node.indexer.run()
  const server = createHttpApp(node, { token: 'x'.repeat(64) })
  t.teardown(() => server.close(), { order: -1 })
  const get = async (url: string): Promise<any> => (await server.inject({ url })).json()
  const seen = async (q = ''): Promise<[string[], number]> => [((await get(`/api/history?test=t&order=release${q}`)).points as Array<{ release: string }>).map((p) => p.release), (await get(`/api/regressions${q === '' ? '' : '?archived=1'}`)).total]
  t.alike(await seen(), [['v2', 'v1'], 1], 'before: both releases, and t regressed at v2')
  setArchivedBefore(home, Date.UTC(2026, 0, 1))
  t.alike(await seen(), [['v2'], 0], 'v1 archived: out of the history, and no regression without the pass before it')
  t.alike(await seen('&archived=1'), [['v2', 'v1'], 1], 'archived=1 brings them back')
  t.is((await server.inject({ url: '/api/regressions?archived=2' })).statusCode, 400)
  t.alike((await get(`/api/compare?a=${r1?.id as string}&b=${r2.id}`)).comparison.regressions.map((x: { name: string }) => x.name), ['t'], 'an archived result named by id still compares')
  await server.close()
  await node.close()

  const history = (...args: string[]): string[] => (JSON.parse(cairn(home, 'history', 't', '--json', ...args).stdout) as { points: Array<{ release: string }> }).points.map((p) => p.release)
  const regressed = (...args: string[]): number => (JSON.parse(cairn(home, 'regressions', '--json', ...args).stdout) as unknown[]).length
  t.alike([history(), regressed()], [['v2'], 0], 'the CLI leaves them out too')
  t.alike([history('--archived'), regressed('--archived')], [['v1', 'v2'], 1], '--archived brings them in')
})
