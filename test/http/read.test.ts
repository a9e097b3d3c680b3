import test from 'brittle'
import { libsodiumCrypto } from '../../protocol/crypto.js'
import { SIGN_DOMAIN } from '../../protocol/event.js'
import { fromHex, toHex } from '../../protocol/hex.js'
import { createNode, syncOnce } from '../helpers/nodes.js'
import { DIFF_V2, fillLab, fillMaintainer, LOG_TEXT } from './fill.js'
import { serve } from './serve.js'

interface EventJson { id: string, type: string, author: string, ts: number, refs: string[], body: Record<string, unknown>, feed: string, seq: number }

test('GET /api/status, /api/feeds, /api/peers, /api/trust, /api/identities, /api/rejections answer from the views', async (t) => {
  const { node: maint, home } = await createNode(t, 'maintainer')
  const { node: lab } = await createNode(t, 'lab')
  const filled = await fillMaintainer(maint)
  await fillLab(lab, filled.job.id)
  await maint.trust(lab.identityKey, ['runner'])
  await maint.follow(lab.feedKey)
  t.ok(await syncOnce(lab, maint))
  const api = await serve(t, maint, home)

  const status = await api.json<{ identity: string, name: string, events: number, types: Record<string, number>, feeds: unknown[] }>('/api/status')
  t.is(status.identity, maint.identityKey)
  t.is(status.name, 'maintainer')
  t.is(status.events, maint.views.count)
  t.alike(status.types, { 'identity.link': 2, note: 2, 'series.revision': 2, review: 1, 'job.request': 1, result: 2, 'trust.set': 1 })

  const { feeds } = await api.json<{ feeds: Array<{ key: string, kind: string, length: number, contiguous: number, indexed: number | null, name: string | null, missing: number, unindexed: number }> }>('/api/feeds')
  const labFeed = feeds.find((f) => f.key === lab.feedKey)
  t.ok(labFeed !== undefined, 'the lab feed is listed')
  t.is(labFeed?.name, 'lab-3', 'with its writer\'s name')
  t.is(labFeed?.indexed, labFeed?.length, 'fully indexed')
  t.is(labFeed?.missing, 0)
  t.is(feeds.find((f) => f.key === lab.blobsKey)?.name, 'lab-3', 'blobs core named through identity.link')

  const { peers } = await api.json<{ peers: unknown[] }>('/api/peers')
  t.alike(peers, [], 'no peer connected after the sync closed')

  const trust = await api.json<{ root: string, trust: Array<{ key: string, roles: string[], name: string | null }> }>('/api/trust')
  t.alike(trust.trust, [{ key: maint.identityKey, roles: ['bridge', 'maintainer', 'reviewer', 'runner'], name: 'maintainer' }, { key: lab.identityKey, roles: ['runner'], name: 'lab-3' }], 'the node itself first: it trusts itself for every role')
  const ids = await api.json<{ identities: Array<{ key: string, name: string | null, roles: string[] }> }>('/api/identities')
  t.alike(ids.identities.map((i) => i.name).sort(), ['lab-3', 'maintainer'])
  const rej = await api.json<{ total: number, rejections: unknown[] }>('/api/rejections')
  t.alike(rej, { total: 0, rejections: [] })
})

test('GET /api/peers lists a connected peer while a sync session is open', async (t) => {
  const { node: a, home } = await createNode(t, 'a')
  const { node: b } = await createNode(t, 'b')
  await b.post('note', { text: 'hi' })
  const api = await serve(t, a, home)
  const { listen, connect, untilCaughtUp } = await import('../../node/net/sync.js')
  const { server, sessions } = await listen(b, { host: '127.0.0.1', port: 0 })
  const port = (server.address() as { port: number }).port
  const session = await connect(a, { host: '127.0.0.1', port })
  t.teardown(async () => { session.destroy(); for (const s of sessions) s.destroy(); await new Promise((resolve) => server.close(resolve)) }, { order: -1 })
  t.ok(await untilCaughtUp(session, 10_000))
  const { peers } = await api.json<{ peers: Array<{ key: string, cores: Array<{ key: string, remoteLength: number | null }> }> }>('/api/peers')
  t.is(peers.length, 1, 'one peer')
  t.ok(peers[0]?.cores.some((c) => c.key === b.feedKey && c.remoteLength === 1), 'it holds its one-block feed')
})

test('GET /api/events: filters, newest-first pages with a cursor, oldest-first, bad queries', async (t) => {
  const { node, home } = await createNode(t)
  const t0 = Date.UTC(2026, 0, 1)
  await node.postMany(Array.from({ length: 25 }, (_, i) => ({ type: 'note' as const, body: { text: `note ${i}` }, ts: t0 + i })))
  await node.post('trust.set', { subject: 'ab'.repeat(32), roles: ['reviewer'] })
  const api = await serve(t, node, home)

  const all = await api.json<{ total: number, events: EventJson[] }>('/api/events')
  t.is(all.total, 26)
  t.is(all.events[0]?.type, 'trust.set', 'newest first')

  const seen: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page: { total: number, events: EventJson[], next: string | null } = await api.json(`/api/events?type=note&limit=10${cursor !== null ? `&cursor=${cursor}` : ''}`)
    t.is(page.total, 25)
    seen.push(...page.events.map((e) => String(e.body.text)))
    cursor = page.next
    pages++
  } while (cursor !== null)
  t.is(pages, 3, '25 notes in pages of 10')
  t.alike(seen, Array.from({ length: 25 }, (_, i) => `note ${24 - i}`), 'every note once, newest first')

  const first = await api.json<{ events: EventJson[], next: string }>('/api/events?type=note&limit=5&order=oldest')
  t.alike(first.events.map((e) => e.body.text), ['note 0', 'note 1', 'note 2', 'note 3', 'note 4'])
  await node.post('note', { text: 'arrived meanwhile' }) // pages already walked stay stable
  const second = await api.json<{ events: EventJson[] }>(`/api/events?type=note&limit=5&order=oldest&cursor=${first.next}`)
  t.alike(second.events.map((e) => e.body.text), ['note 5', 'note 6', 'note 7', 'note 8', 'note 9'])

  const byAuthor = await api.json<{ total: number }>(`/api/events?author=${node.identityKey}`)
  t.is(byAuthor.total, 27)
  const nobody = await api.json<{ total: number }>(`/api/events?author=${'cd'.repeat(32)}`)
  t.is(nobody.total, 0)

  for (const q of ['type=nope', 'author=xyz', 'limit=0', 'limit=501', 'limit=ten', 'cursor=garbage', 'order=sideways', 'bogus=1']) {
    const res = await api.get(`/api/events?${q}`)
    t.is(res.status, 400, `${q} is refused`)
    const body = await res.json() as { error: string, message: string }
    t.ok(['BAD_QUERY', 'BAD_CURSOR'].includes(body.error) && body.message.length > 0, `${q}: ${body.error}: ${body.message}`)
  }
})

test('ETag: a repeated GET with If-None-Match gets 304 until the views change', async (t) => {
  const { node, home } = await createNode(t)
  await node.post('note', { text: 'one' })
  const api = await serve(t, node, home)
  for (const path of ['/api/events', '/api/status', '/api/feeds', '/api/trust', '/']) {
    const first = await api.get(path)
    t.is(first.status, 200)
    const etag = first.headers.get('etag')
    t.ok(etag !== null && /^"[\w-]+"$/.test(etag), `${path} has a strong ETag`)
    const again = await api.get(path, { 'if-none-match': etag ?? '' })
    t.is(again.status, 304, `${path}: 304 Not Modified`)
    t.is(await again.text(), '', 'with no body')
  }
  const before = (await api.get('/api/events')).headers.get('etag') ?? ''
  await node.post('note', { text: 'two' })
  const after = await api.get('/api/events', { 'if-none-match': before })
  t.is(after.status, 200, 'a new event changes the list: 200 with the new body')
  t.not(after.headers.get('etag'), before)
})

test('GET /api/events/:id gives the signed bytes, which verify with libsodium as a browser would', async (t) => {
  const { node, home } = await createNode(t)
  await node.postMany([{ type: 'note', body: { text: 'a' } }, { type: 'note', body: { text: 'b' } }]) // two in one block
  await node.indexer.run()
  const target = node.log({ type: 'note' }).find((e) => e.type === 'note' && e.body.text === 'b')
  const reply = await node.post('note', { text: 'reply' }, [target?.id ?? ''])
  const api = await serve(t, node, home)
  const d = await api.json<{ event: EventJson, signed: { payload: string, sig: string, index: number }, authorName: string, referencedBy: string[] }>(`/api/events/${target?.id ?? ''}`)
  t.is(d.event.id, target?.id)
  t.is(d.signed.index, 1, 'second event of its block')
  t.is(d.authorName, 'node')
  t.alike(d.referencedBy, [reply.id])
  const crypto = await libsodiumCrypto()
  const payload = fromHex(d.signed.payload) as Uint8Array
  const sig = fromHex(d.signed.sig) as Uint8Array
  const message = new Uint8Array([...SIGN_DOMAIN, ...payload])
  t.ok(crypto.verify(sig, message, fromHex(d.event.author, 32) as Uint8Array), 'signature verifies')
  t.is(toHex(crypto.blake2b256(new Uint8Array([...payload, ...sig]))), d.event.id, 'id = blake2b-256(payload || sig)')

  t.is((await api.get(`/api/events/${'0'.repeat(64)}`)).status, 404)
  const bad = await api.get('/api/events/not-an-id')
  t.is(bad.status, 400)
  t.is((await bad.json() as { error: string }).error, 'BAD_ID')
})

test('GET /api/blobs/:hash serves stored diffs and logs as plain text, checked against the hash', async (t) => {
  const { node: maint, home } = await createNode(t, 'maintainer')
  const { node: lab } = await createNode(t, 'lab')
  const filled = await fillMaintainer(maint)
  const { logHash } = await fillLab(lab, filled.job.id)
  await maint.follow(lab.feedKey)
  t.ok(await syncOnce(lab, maint))
  const api = await serve(t, maint, home)
  const diff = await api.get(`/api/blobs/${filled.diffHash}`)
  t.is(diff.status, 200)
  t.is(diff.headers.get('content-type'), 'text/plain; charset=utf-8')
  t.is(diff.headers.get('x-content-type-options'), 'nosniff')
  t.ok(diff.headers.get('content-security-policy')?.includes('sandbox'), 'sandboxed')
  t.is(await diff.text(), DIFF_V2)
  const log = await api.get(`/api/blobs/${logHash}`)
  t.is(log.status, 200, 'a blob from the lab\'s blobs core, replicated here')
  t.is(await log.text(), LOG_TEXT)
  const unknown = await api.get(`/api/blobs/${'e'.repeat(64)}`)
  t.is(unknown.status, 404)
  t.is((await unknown.json() as { error: string }).error, 'NOT_FOUND')
})

test('GET /api/blobs/:hash answers BLOB_MISSING for a blob referenced but not on this node', async (t) => {
  const { node: a, home } = await createNode(t, 'a')
  const { node: b } = await createNode(t, 'b')
  const { node: c } = await createNode(t, 'c')
  const ref = await c.blobs.put(new TextEncoder().encode('a log only c holds')) // a core a never hears of
  await b.post('result', { build: 'x', testRun: 'y', verdict: 'pass', tests: [], logs: [{ name: 'log', blob: ref }], environment: {} })
  await a.follow(b.feedKey)
  t.ok(await syncOnce(b, a))
  const api = await serve(t, a, home)
  const res = await api.get(`/api/blobs/${ref.hash}`)
  t.is(res.status, 404)
  const body = await res.json() as { error: string, message: string }
  t.is(body.error, 'BLOB_MISSING')
  t.ok(body.message.includes('sync'), body.message)
})

test('GET /api/series, /api/revisions/:id, /api/results, /api/results/:id, /api/compare', async (t) => {
  const { node: maint, home } = await createNode(t, 'maintainer')
  const { node: lab } = await createNode(t, 'lab')
  const filled = await fillMaintainer(maint)
  const { baseline, run } = await fillLab(lab, filled.job.id)
  await maint.follow(lab.feedKey)
  t.ok(await syncOnce(lab, maint))
  const api = await serve(t, maint, home)

  const series = await api.json<{ total: number, series: Array<{ id: string, latest: { id: string }, versions: Array<{ id: string, version: number }>, reviews: number, trailers: Record<string, number> }> }>('/api/series')
  t.is(series.total, 1)
  t.is(series.series[0]?.latest.id, filled.v2.id, 'latest revision')
  t.alike(series.series[0]?.versions.map((v) => v.version), [1, 2])
  t.is(series.series[0]?.reviews, 1)
  t.alike(series.series[0]?.trailers, { 'Reviewed-by': 1 })
  t.is((await api.json<{ total: number }>('/api/series?q=untrusted')).total, 1, 'text filter matches')
  t.is((await api.json<{ total: number }>('/api/series?q=btrfs')).total, 0, 'text filter excludes')
  t.is((await api.get('/api/series?qq=xfs')).status, 400, 'a misspelt parameter is refused, not ignored')

  const rev = await api.json<{ revision: EventJson, versions: Array<{ id: string, version: number, total: number, present: number, state: string, reviews: number }>, reviews: EventJson[], jobs: EventJson[], results: Array<{ id: string, counts: Record<string, number>, total: number }>, decisions: unknown[] }>(`/api/revisions/${filled.v2.id}`)
  t.is(rev.revision.id, filled.v2.id)
  t.alike(rev.versions.map((v) => [v.id, v.version, `${v.present}/${v.total}`, v.state, v.reviews]), [[filled.v1.id, 1, '1/1', 'superseded', 0], [filled.v2.id, 2, '1/1', 'tested.fail', 1]],
    'the versions side by side: v1 superseded, v2 failed its job')
  t.alike(rev.reviews.map((r) => r.id), [filled.review.id])
  t.alike(rev.jobs.map((j) => j.id), [filled.job.id])
  t.alike(rev.results.map((r) => r.id), [run.id], 'the lab\'s result for the job')
  t.alike(rev.results[0]?.counts, { pass: 1, fail: 1, error: 0, skip: 1, xfail: 0, xpass: 0 })
  t.is((await api.get(`/api/revisions/${filled.review.id}`)).status, 404, 'a review is not a revision')

  const results = await api.json<{ total: number, results: Array<{ id: string, failing: string[] }> }>('/api/results')
  t.alike(results.results.map((r) => r.id), [run.id, baseline.id], 'newest first')
  t.alike(results.results[0]?.failing, ['generic/002'])
  t.is((await api.json<{ total: number }>('/api/results?verdict=pass')).total, 1)
  const one = await api.json<{ result: EventJson, job: EventJson | null }>(`/api/results/${run.id}`)
  t.is((one.result.body.tests as unknown[]).length, 3, 'the full test list')
  t.is(one.job?.id, filled.job.id)

  const cmp = await api.json<{ comparison: { counts: Record<string, number>, regressions: Array<{ name: string }> } }>(`/api/compare?a=${baseline.id}&b=${run.id}`)
  t.is(cmp.comparison.counts.regressions, 1)
  t.alike(cmp.comparison.regressions.map((r) => r.name), ['generic/002'])
  t.is((await api.get(`/api/compare?a=${baseline.id}`)).status, 400, 'needs both')
  t.is((await api.get(`/api/compare?a=${baseline.id}&b=${filled.job.id}`)).status, 404, 'b must be a result')
})

test('GET / serves the web UI with a strict CSP; its modules and libsodium come from this node', async (t) => {
  const { node, home } = await createNode(t)
  const api = await serve(t, node, home)
  const index = await api.get('/')
  t.is(index.status, 200)
  const csp = index.headers.get('content-security-policy') ?? ''
  t.ok(csp.includes("default-src 'none'") && csp.includes("script-src 'self' 'sha256-"), `CSP: ${csp}`)
  const html = await index.text()
  if (!html.includes('/ui/main.js')) {
    t.comment('the UI is not built here (npm run build); checked the fallback page only')
    t.ok(html.includes('/api/status'))
    return
  }
  for (const path of ['/ui/main.js', '/ui/style.css', '/vendor/libsodium-wrappers.mjs', '/vendor/libsodium.mjs', '/vendor/uplot.mjs']) {
    const res = await api.get(path)
    t.is(res.status, 200, path)
    t.ok(/^(text\/javascript|text\/css)/.test(res.headers.get('content-type') ?? ''), `${path}: ${res.headers.get('content-type') ?? ''}`)
  }
  for (const path of ['/ui/../package.json', '/ui/%2e%2e/package.json', '/vendor/..%2f..%2fpackage.json', '/ui/nope.js']) {
    t.is((await api.get(path)).status, 404, `${path} is not a UI file`)
  }
})
