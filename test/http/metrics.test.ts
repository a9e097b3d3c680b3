// Metrics over posted results: the metric regression lifecycle in the
// regressions view (opened by a drop beyond the noise, fixed by a result back
// within it, never by a repeated run), GET /api/compare's metrics,
// /api/metric-history and its bad query, and the CLI's compare, regressions
// and history --metric.
import test from 'brittle'
import { createHttpApp } from '../../node/http/server.js'
import { CairnNode } from '../../node/node.js'
import { regressions } from '../../node/views/regressions.js'
import type { ResultEvent } from '../../node/views/results.js'
import type { BodyOf } from '../../protocol/schemas.js'
import { cairn } from '../helpers/cli.js'

const C = (n: number): string => String(n).repeat(40)
const T0 = Date.UTC(2026, 1, 1)

async function fill (node: CairnNode): Promise<Record<string, ResultEvent>> {
  let ts = T0
  const run = async (commit: number, samples: number[], extra: Partial<BodyOf<'job.request'>> = {}): Promise<ResultEvent> => {
    const [job] = await node.postMany([{ type: 'job.request', ts: ts += 1000, body: { project: 'repo', repo: '/r', base: C(commit), ref: `v${commit}`, recipe: {}, profile: 'default', tags: [], priority: 0, ...extra } }])
    const value = [...samples].sort((a, b) => a - b)[samples.length >> 1] as number
    const body: BodyOf<'result'> = { job: job?.id, build: `build${commit}`, testRun: `run${commit}`, verdict: 'pass', tests: [{ name: 'ok', status: 'pass' }], logs: [], environment: {}, metrics: [{ name: 'rps', value, unit: 'req/s', direction: 'higher', samples }] }
    return (await node.postMany([{ type: 'result', ts: ts += 1000, refs: [job?.id as string], body }]))[0] as unknown as ResultEvent
  }
  const v1 = await run(1, [100, 101, 99, 102, 98])
  const v1again = await run(1, [97, 103, 100, 101, 99], { reuse: false })
  const v2 = await run(2, [100, 102, 99, 101, 100])
  const v3 = await run(3, [80, 81, 79, 82, 80])
  const v3again = await run(3, [81, 80, 79, 80, 82], { reuse: false })
  const v4 = await run(4, [99, 101, 100, 102, 98])
  return { v1, v1again, v2, v3, v3again, v4 }
}

test('metrics: regression lifecycle, /api/compare and /api/metric-history, CLI compare and regressions', async (t) => {
  const home = await t.tmp()
  const node = await CairnNode.init(home, 'lab')
  const r = await fill(node)
  await node.indexer.run()
  const id = (k: string): string => r[k]?.id as string

  const regs = regressions(node.views).filter((x) => x.metric !== undefined)
  t.alike(regs.map((x) => [x.test, x.state, x.lastPass.ref, x.firstSeen.ref, x.lastSeen.result, x.fixedBy?.ref ?? null]), [
    ['rps', 'fixed', 'v2', 'v3', id('v3again'), 'v4']
  ], 'opened at v3 against v2, still there at v3\'s repeat, fixed at v4; v1\'s repeat opened nothing')
  t.is(regs[0]?.metric?.delta, -20)

  const server = createHttpApp(node, { token: 'x'.repeat(64) })
  const get = async (url: string): Promise<{ status: number, body: Record<string, any> }> => {
    const res = await server.inject({ url })
    return { status: res.statusCode, body: res.json() }
  }
  const compare = await get(`/api/compare?a=${id('v2')}&b=${id('v3')}`)
  t.alike(compare.body.metrics.changes.map((c: { name: string, kind: string, pct: number }) => [c.name, c.kind, c.pct]), [['rps', 'regression', -20]])
  t.is((await get(`/api/compare?a=${id('v1')}&b=${id('v1again')}`)).body.metrics.changes[0].kind, 'noise', 'a repeated run is noise')
  const history = await get('/api/metric-history?metric=rps&kind=baseline')
  t.alike(history.body.points.map((p: { release: string, value: number, min: number, max: number, runs: unknown[] }) => [p.release, p.value, p.min, p.max, p.runs.length]),
    [['v1', 100, 97, 103, 2], ['v2', 100, 99, 102, 1], ['v3', 80, 79, 82, 2], ['v4', 100, 98, 102, 1]])
  t.alike([history.body.unit, history.body.direction], ['req/s', 'higher'])
  const missing = await get('/api/metric-history')
  t.alike([missing.status, missing.body.error], [400, 'BAD_QUERY'], 'no metric named: BAD_QUERY')
  t.ok(String(missing.body.message).includes('metric=NAME'))
  t.is((await get('/api/metric-history?metric=rps&order=time')).status, 400, 'a parameter the route does not take is refused')
  t.alike((await get('/api/metric-history?metric=nothing')).body.points, [], 'an unknown metric has no points')
  await server.close()
  await node.close()

  const text = cairn(home, 'results', 'compare', id('v2'), id('v3'))
  const compared = text.status === 0 && text.stdout.includes('Metric regressions (1):\n  rps  100 -> 80 req/s  -20 (-20.0%), higher is better')
  t.ok(compared, compared ? 'results compare names the metric and its size' : text.stdout + text.stderr)
  const loose = cairn(home, 'results', 'compare', id('v2'), id('v3'), '--min-change', '1', '--min-change', 'rps=25%', '--json')
  const rps = loose.status === 0 ? JSON.parse(loose.stdout).metrics.changes[0] : null
  t.alike([rps?.kind, rps?.minChange], ['noise', 25], loose.stderr === '' ? '--min-change rps=25% makes the 20% drop noise' : loose.stderr)
  const bad = cairn(home, 'results', 'compare', id('v2'), id('v3'), '--min-change', 'rps=lots')
  t.ok(bad.status === 2 && bad.stderr.includes('--min-change "rps=lots" is not PCT or NAME=PCT'), bad.stderr)
  const hist = cairn(home, 'history', '--metric', 'rps', '--kind', 'baseline')
  t.alike(hist.stdout.trim().split('\n').map((l) => l.replace(/\s+[0-9a-f]{12}$/, '')), [
    'metric rps (req/s), higher is better, by release, oldest first: 4 release(s)',
    'v1           100 req/s  spread 97..103  2 runs',
    'v2           100 req/s  spread 99..102  1 run',
    'v3           80 req/s  spread 79..82  2 runs',
    'v4           100 req/s  spread 98..102  1 run'
  ], hist.stderr === '' ? 'history --metric: per release, value and spread' : hist.stderr)
  const histJson = JSON.parse(cairn(home, 'history', '--metric', 'rps', '--json').stdout)
  t.alike([histJson.metric, histJson.unit, histJson.points.map((p: { release: string, value: number }) => [p.release, p.value])], ['rps', 'req/s', [['v1', 100], ['v2', 100], ['v3', 80], ['v4', 100]]], 'the /api/metric-history shape')
  const lines = cairn(home, 'history', '--metric', 'rps', '--jsonl').stdout.trim().split('\n').map((l) => JSON.parse(l))
  t.alike(lines.map((p: { release: string, min: number, max: number, unit: string }) => [p.release, p.min, p.max, p.unit]), [['v1', 97, 103, 'req/s'], ['v2', 99, 102, 'req/s'], ['v3', 79, 82, 'req/s'], ['v4', 98, 102, 'req/s']], 'a release per JSON line')
  const none = cairn(home, 'history', '--metric', 'nothing')
  t.ok(none.status === 4 && none.stderr.startsWith('cairn: NOT_FOUND: no result here measured a metric "nothing"'), none.stderr)
  const both = cairn(home, 'history', 'ok', '--metric', 'rps')
  t.ok(both.status === 2 && both.stderr.includes('give a TEST or SUITE, or --metric NAME'), both.stderr)
  t.is(cairn(home, 'history').status, 2, 'neither: a usage error')
  t.ok(cairn(home, 'history', '--metric', 'rps', '--order', 'time').stderr.includes('--metric is by release'))
  const rg = cairn(home, 'regressions')
  const listed = rg.stdout.includes('rps fixed in repo/default: 100 -> 80 req/s (-20.0%, higher is better); passed at v2')
  t.ok(listed, listed ? 'regressions lists the metric with its size' : rg.stdout + rg.stderr)
})
