// The flake ledger and the regression lifecycle over posted results: the
// views, compare (flaky tests apart from regressions), GET /api/flakes and
// /api/regressions, and the CLI's flakes and regressions.
import test from 'brittle'
import { join } from 'node:path'
import { createHttpApp } from '../../node/http/server.js'
import { CairnNode } from '../../node/node.js'
import { flakes } from '../../node/views/flakes.js'
import { regressions } from '../../node/views/regressions.js'
import type { ResultEvent } from '../../node/views/results.js'
import { compareJson } from '../../node/wire/results.js'
import type { BodyOf } from '../../protocol/schemas.js'
import { cairn } from '../helpers/cli.js'

type Test = BodyOf<'result'>['tests'][number]
const C = (n: number): string => String(n).repeat(40)
const T0 = Date.UTC(2026, 1, 1)

/**
 * One tree: v1 passes both tests; v2 (commit 2) fails "answer" and, run
 * again with reuse off, also "flaky" (which passed the first time: a flake);
 * v3 passes "answer" again. A series result failing "other" is not the tree's.
 */
async function fill (node: CairnNode): Promise<Record<string, ResultEvent>> {
  let ts = T0
  const run = async (commit: number, tests: Array<[string, Test['status']]>, extra: Partial<BodyOf<'job.request'>> = {}): Promise<ResultEvent> => {
    const tag = extra.revision === undefined ? '' : '-series' // a series applied is another tree
    const [job] = await node.postMany([{ type: 'job.request', ts: ts += 1000, body: { project: 'repo', repo: '/r', base: C(commit), ref: `v${commit}`, recipe: {}, profile: 'default', tags: [], priority: 0, ...extra } }])
    const body: BodyOf<'result'> = { job: job?.id, build: `build${commit}${tag}`, testRun: `run${commit}${tag}`, verdict: tests.some(([, s]) => s === 'fail') ? 'fail' : 'pass', tests: tests.map(([name, status]) => ({ name, status })), logs: [], environment: {} }
    return (await node.postMany([{ type: 'result', ts: ts += 1000, refs: [job?.id as string], body }]))[0] as unknown as ResultEvent
  }
  const v1 = await run(1, [['answer', 'pass'], ['flaky', 'pass']])
  const v2 = await run(2, [['answer', 'fail'], ['flaky', 'pass']])
  const v2again = await run(2, [['answer', 'fail'], ['flaky', 'fail']], { reuse: false })
  await run(3, [['answer', 'pass'], ['other', 'fail']], { revision: 'e'.repeat(64) })
  await run(3, [['answer', 'pass'], ['other', 'pass']])
  const v4 = await run(4, [['answer', 'pass'], ['other', 'fail']])
  return { v1, v2, v2again, v4 }
}

test('ledger: a flake is recorded with its evidence, compare lists it apart, regressions are tracked to their fix; over HTTP and the CLI', async (t) => {
  const dir = await t.tmp()
  const home = join(dir, 'lab')
  const node = await CairnNode.init(home, 'lab')
  const r = await fill(node)
  await node.indexer.run()

  const ledger = flakes(node.views)
  t.alike(ledger.map((f) => [f.test, f.testRun, f.runs.map((x) => [x.result, x.status, x.runner])]), [['flaky', 'run2', [[r.v2?.id, 'pass', node.identityKey], [r.v2again?.id, 'fail', node.identityKey]]]], 'one flake: "flaky" under run2, with both runs')

  const c = compareJson(node.views, r.v1 as ResultEvent, r.v2again as ResultEvent)
  t.alike(c.regressions.map((x) => x.name), ['answer'], 'the regression')
  t.alike(c.flaky, [{ name: 'flaky', a: 'pass', b: 'fail' }], 'the flaky test apart')
  t.is(c.counts.regressions, 1)

  const regs = regressions(node.views)
  t.alike(regs.map((x) => [x.test, x.state, x.lastPass.ref, x.firstSeen.ref, x.lastSeen.result, x.fixedBy?.ref ?? null]), [
    ['other', 'failing', 'v3', 'v4', r.v4?.id, null],
    ['answer', 'fixed', 'v1', 'v2', r.v2again?.id, 'v3']
  ], 'answer fixed at v3; other open since v4; the flaky test and the series result are not regressions')

  const server = createHttpApp(node, { token: 'x'.repeat(64) })
  const get = async (url: string): Promise<{ status: number, body: Record<string, unknown> }> => {
    const res = await server.inject({ url })
    return { status: res.statusCode, body: res.json() }
  }
  t.is((await get('/api/flakes')).body.total, 1)
  t.is((await get('/api/flakes?test=answer')).body.total, 0)
  t.is((await get('/api/regressions?state=failing')).body.total, 1)
  t.is((await get('/api/regressions?state=gone')).status, 400, 'a state that is not failing or fixed is refused')
  t.is((await get('/api/regressions?nope=1')).status, 400, 'so is a parameter the route does not take')
  const compare = await get(`/api/compare?a=${r.v1?.id as string}&b=${r.v2again?.id as string}`)
  t.alike(compare.body.flaky, ['flaky'])
  await server.close()
  await node.close()

  const fl = cairn(home, 'flakes')
  t.ok(fl.status === 0 && fl.stdout.startsWith('flaky flaky under run2: pass'), fl.stdout + fl.stderr)
  const rg = cairn(home, 'regressions', '--json')
  t.alike((JSON.parse(rg.stdout) as Array<{ test: string }>).map((x) => x.test), ['other', 'answer'], rg.stderr)
  const open = cairn(home, 'regressions', '--state', 'failing')
  t.ok(open.stdout.startsWith('other FAILING in repo/default: passed at v3'), open.stdout)
  t.is(cairn(home, 'regressions', '--state', 'gone').status, 2, 'a bad --state is a usage error')
})
