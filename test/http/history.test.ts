// GET /api/history: a test's and a suite's status across baselines, series
// runs, a reused run and results of other profiles, driven with inject.
import test from 'brittle'
import type { TestInstance } from 'brittle'
import { createHttpApp } from '../../node/http/server.js'
import type { CairnNode } from '../../node/node.js'
import type { BodyOf } from '../../protocol/schemas.js'
import { createNode } from '../helpers/nodes.js'
import { fillMaintainer } from './fill.js'

const T0 = Date.UTC(2026, 1, 1)
const REPO = 'https://git.example.org/linux.git'
const ENV = { system: 'x86_64-linux' }
type Test = BodyOf<'result'>['tests'][number]
const pass = (name: string, duration?: number): Test => duration === undefined ? { name, status: 'pass' } : { name, status: 'pass', duration }
const fail = (name: string): Test => ({ name, status: 'fail', detail: 'output mismatch' })
const skip = (name: string): Test => ({ name, status: 'skip' })

interface History { test?: string, suite?: string, order?: string, total: number, counts: Record<string, number>, points: Array<Record<string, unknown>>, next: string | null }

/**
 * xfs-quick: baseline v6.12 (generic/002 passes), the series v2 (it fails),
 * baseline v6.13 (it was removed), a rerun of v2 that reuses the first run.
 * Also: an ext4 baseline where it passes, a result with no job that holds
 * it, and a btrfs run that never had it (not part of its history).
 */
async function fill (node: CairnNode): Promise<Record<string, string>> {
  const { v2 } = await fillMaintainer(node, T0 - 3_600_000)
  let ts = T0
  const job = async (body: Partial<BodyOf<'job.request'>>): Promise<string> => (await node.post('job.request', { project: 'linux', repo: REPO, base: 'a'.repeat(40), recipe: {}, profile: 'xfs-quick', tags: [], priority: 0, ...body })).id
  const result = async (jobId: string | null, tests: Test[], extra: Partial<BodyOf<'result'>> = {}): Promise<string> => {
    const body: BodyOf<'result'> = { build: `b${ts}`, testRun: `r${ts}`, verdict: tests.some((x) => x.status === 'fail') ? 'fail' : 'pass', tests, logs: [], environment: ENV, ...(jobId === null ? {} : { job: jobId }), ...extra }
    return (await node.postMany([{ type: 'result', body, ts: ts += 60_000 }]))[0]?.id ?? ''
  }
  const ids: Record<string, string> = {}
  ids.loose = await result(null, [pass('generic/002', 700)])
  ids.v612 = await result(await job({ ref: 'v6.12' }), [pass('generic/001', 1000), pass('generic/002', 800), skip('generic/003')])
  ids.ext4 = await result(await job({ ref: 'v6.12', profile: 'ext4-quick' }), [pass('generic/002', 500)])
  ids.series = await result(await job({ revision: v2.id }), [pass('generic/001', 1000), fail('generic/002'), skip('generic/003')])
  ids.v613 = await result(await job({ ref: 'v6.13', base: 'b'.repeat(40) }), [pass('generic/001', 900), skip('generic/003')])
  ids.rerun = await result(await job({ revision: v2.id, priority: 1 }), [], { verdict: 'reused', reuses: ids.series })
  ids.btrfs = await result(await job({ ref: 'v6.13', profile: 'btrfs' }), [pass('btrfs/001')])
  ids.v2 = v2.id
  return ids
}

async function app (t: TestInstance): Promise<{ get: (url: string, headers?: Record<string, string>) => Promise<{ status: number, body: History & { error?: string, message?: string }, etag: string | undefined }>, node: CairnNode, ids: Record<string, string> }> {
  const { node } = await createNode(t, 'maintainer')
  const ids = await fill(node)
  await node.indexer.run()
  const server = createHttpApp(node, { token: 'x'.repeat(64) })
  t.teardown(() => server.close(), { order: -1 })
  return {
    node,
    ids,
    get: async (url, headers = {}) => {
      const res = await server.inject({ url, headers })
      return { status: res.statusCode, body: res.body === '' ? {} as History : res.json(), etag: res.headers.etag as string | undefined }
    }
  }
}

test('GET /api/history?test=: every result of the test\'s repo and profile, with what each tested, newest first', async (t) => {
  const { get, ids } = await app(t)
  const { status, body } = await get('/api/history?test=generic/002')
  t.is(status, 200)
  t.is(body.test, 'generic/002')
  t.is(body.total, 6, 'the btrfs run never had it: not in its history')
  t.alike(body.points.map((p) => p.id), [ids.rerun, ids.v613, ids.series, ids.ext4, ids.v612, ids.loose])
  t.alike(body.points.map((p) => [p.status, p.outcome, p.changedFrom]), [
    ['fail', 'fail', null],
    ['missing', 'missing', null],
    ['fail', 'fail', 'pass'],
    ['pass', 'pass', null],
    ['pass', 'pass', null],
    ['pass', 'pass', null]
  ])
  t.alike(body.counts, { pass: 3, fail: 2, skip: 0, missing: 1 })

  const [rerun, v613, series, , v612, loose] = body.points
  t.is(v612?.label, 'v6.12', 'a baseline is named by its ref')
  t.alike([v612?.kind, v612?.profile, v612?.repo, v612?.base, v612?.ref, v612?.duration], ['baseline', 'xfs-quick', REPO, 'a'.repeat(40), 'v6.12', 800])
  t.is(series?.kind, 'revision')
  t.is(series?.revision, ids.v2)
  t.alike(series?.series, { id: 'xfs-untrusted-iget', version: 2, subject: 'xfs: mark inodes read from disk untrusted' })
  t.is(series?.label, 'xfs: mark inodes read from disk untrusted (v2)')
  t.is(series?.previous, ids.ext4, 'the point before, for an A/B comparison')
  t.absent('detail' in (series ?? {}), 'details stay on the result page')
  t.is(v613?.previous, ids.series)
  t.alike([rerun?.verdict, rerun?.tested, rerun?.status], ['reused', ids.series, 'fail'], 'a reused result stands for the run it reuses')
  t.alike([loose?.kind, loose?.job, loose?.profile, loose?.label], [null, null, null, `build ${`b${T0}`.slice(0, 12)}`], 'a result whose job this node lacks')
})

test('GET /api/history: profile, kind and runner filters; pages with a cursor', async (t) => {
  const { get, ids, node } = await app(t)
  const xfs = (await get('/api/history?test=generic/002&profile=xfs-quick')).body
  t.alike(xfs.points.map((p) => p.id), [ids.rerun, ids.v613, ids.series, ids.v612])
  const baselines = (await get('/api/history?test=generic/002&kind=baseline')).body
  t.alike(baselines.points.map((p) => p.id), [ids.v613, ids.ext4, ids.v612], 'baselines (releases) only')
  t.alike(baselines.points.map((p) => p.label), ['v6.13', 'v6.12', 'v6.12'])
  const revisions = (await get('/api/history?test=generic/002&kind=revision')).body
  t.alike(revisions.points.map((p) => p.id), [ids.rerun, ids.series])
  t.is((await get(`/api/history?test=generic/002&runner=${node.identityKey}`)).body.total, 6)
  t.is((await get(`/api/history?test=generic/002&runner=${'cd'.repeat(32)}`)).body.total, 0)
  t.is((await get('/api/history?test=no/such-test')).body.total, 0, 'a test no result holds: an empty history')

  const seen: unknown[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page: History = (await get(`/api/history?test=generic/002&limit=4${cursor === null ? '' : `&cursor=${cursor}`}`)).body
    t.is(page.total, 6)
    seen.push(...page.points.map((p) => p.id))
    cursor = page.next
    pages++
  } while (cursor !== null)
  t.is(pages, 2)
  t.alike(seen, [ids.rerun, ids.v613, ids.series, ids.ext4, ids.v612, ids.loose], 'every point once, newest first')
})

test('GET /api/history?suite=: pass/fail/skip counts per result', async (t) => {
  const { get, ids } = await app(t)
  const { status, body } = await get('/api/history?suite=generic&profile=xfs-quick')
  t.is(status, 200)
  t.is(body.suite, 'generic')
  t.alike(body.points.map((p) => [p.id, p.total, p.counts, p.outcome, p.failing]), [
    [ids.rerun, 3, { pass: 1, fail: 1, error: 0, skip: 1, xfail: 0, xpass: 0 }, 'fail', ['generic/002']],
    [ids.v613, 2, { pass: 1, fail: 0, error: 0, skip: 1, xfail: 0, xpass: 0 }, 'pass', []],
    [ids.series, 3, { pass: 1, fail: 1, error: 0, skip: 1, xfail: 0, xpass: 0 }, 'fail', ['generic/002']],
    [ids.v612, 3, { pass: 2, fail: 0, error: 0, skip: 1, xfail: 0, xpass: 0 }, 'pass', []]
  ])
  t.alike(body.points.map((p) => p.changedFrom), ['pass', 'fail', 'pass', null])
  t.is((await get('/api/history?suite=btrfs')).body.total, 1)
  t.is((await get('/api/history?suite=generic/00')).body.total, 0, 'a suite is whole segments')
})

test('GET /api/history: a request without test or suite, with both, or with a bad filter is a 400 saying what to send', async (t) => {
  const { get } = await app(t)
  const none = await get('/api/history')
  t.is(none.status, 400)
  t.is(none.body.error, 'BAD_QUERY')
  t.is(none.body.message, 'history needs a test or a suite: /api/history?test=NAME or /api/history?suite=PREFIX')
  const both = await get('/api/history?test=a&suite=b')
  t.is(both.status, 400)
  t.ok(both.body.message?.endsWith('not both'), both.body.message)
  for (const q of ['test=', 'test=a&kind=release', 'test=a&runner=xyz', 'test=a&limit=0', 'test=a&cursor=garbage', 'test=a&bogus=1']) {
    const res = await get(`/api/history?${q}`)
    t.is(res.status, 400, `${q} is refused: ${res.body.error}: ${res.body.message}`)
  }
})

test('GET /api/history: ETag and 304 until a new result changes the history', async (t) => {
  const { get, node } = await app(t)
  const first = await get('/api/history?test=generic/002')
  t.ok(first.etag !== undefined && /^"[\w-]+"$/.test(first.etag), 'a strong ETag')
  t.is((await get('/api/history?test=generic/002', { 'if-none-match': first.etag ?? '' })).status, 304)
  await node.post('result', { build: 'z', testRun: 'z', verdict: 'pass', tests: [pass('generic/002')], logs: [], environment: ENV })
  const after = await get('/api/history?test=generic/002', { 'if-none-match': first.etag ?? '' })
  t.is(after.status, 200, 'a new result: the new history')
  t.is(after.body.total, 7)
  t.is(after.body.points[0]?.changedFrom, 'fail', 'back to pass')
})

test('GET /api/history?order=release: by the release tested, newest release first; a series on a release\'s commit counts there', async (t) => {
  const { get, ids, node } = await app(t)
  // v6.12 tested again after v6.13 was: by time it is the newest point, by release it is not.
  const again = await node.post('job.request', { project: 'linux', repo: REPO, base: 'a'.repeat(40), recipe: {}, profile: 'xfs-quick', tags: [], priority: 5, ref: 'v6.12' })
  const late = await node.post('result', { job: again.id, build: 'late', testRun: 'late', verdict: 'pass', tests: [pass('generic/002')], logs: [], environment: ENV })
  await node.indexer.run()
  const byTime = (await get('/api/history?test=generic/002&profile=xfs-quick')).body
  t.is(byTime.points[0]?.id, late.id)
  const r = await get('/api/history?test=generic/002&profile=xfs-quick&order=release')
  t.is(r.status, 200)
  t.is(r.body.order, 'release')
  t.alike(r.body.points.map((p) => [p.id, p.release]), [[ids.v613, 'v6.13'], [late.id, 'v6.12'], [ids.rerun, 'v6.12'], [ids.series, 'v6.12'], [ids.v612, 'v6.12']])
  t.alike(r.body.points.map((p) => p.changedFrom), [null, 'fail', null, 'pass', null], 'changes read in release order')
  const paged = await get('/api/history?test=generic/002&order=release&cursor=abc')
  t.is(paged.status, 400)
  t.ok(paged.body.message?.includes('order=release'), paged.body.message)
  t.is((await get('/api/history?test=generic/002&order=ts')).status, 400, 'an unknown order')
})
