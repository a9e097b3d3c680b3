import test from 'brittle'
import type { CairnNode } from '../../node/node.js'
import type { CairnEvent } from '../../protocol/event.js'
import { createNode } from '../helpers/nodes.js'
import { serve } from './serve.js'

test('GET /api/series?q= matches one field at a time, case-insensitively, whatever the text holds', async (t) => {
  const { node, home } = await createNode(t)
  await node.post('series.revision', {
    project: 'linux',
    series: 'x-1',
    version: 1,
    subject: 'xfs: Fix the Log',
    total: 1,
    patches: [{ index: 1, subject: 'xfs: flush the CIL' }],
    source: { messageIds: ['<x-1@example.org>'], list: 'linux-xfs@vger.kernel.org' }
  })
  const api = await serve(t, node, home)
  const total = async (q: string): Promise<number> => (await api.json<{ total: number }>(`/api/series?q=${encodeURIComponent(q)}`)).total
  t.is(await total('fix the log'), 1, 'subject, any case')
  t.is(await total('FLUSH'), 1, 'a patch subject')
  t.is(await total('vger'), 1, 'the list')
  t.is(await total('log linux'), 0, 'not across the subject and the project')
  t.is(await total('log\u0000linux'), 0, 'not across them with a NUL either')
  t.is(await total('\u0000'), 0, 'a NUL alone matches no field')
})

interface Row { id: string, subject: string, state: string, verdict: string | null, reasons: string[], author: { name: string, email: string } | null, list: string | null, latest: { id: string, version: number, total: number, present: number, complete: boolean }, trailers: Record<string, number>, files: number, paths: string[] }
interface ListJson { total: number, series: Row[], next: string | null }

/** Three series: xfs reviewed (two patches), net with a Nacked-by and a decision, mm incomplete. */
async function threeSeries (node: CairnNode): Promise<Record<'xfs' | 'net' | 'mm', string>> {
  const dev = { name: 'Dev One', email: 'dev@example.org' }
  const sob = [{ key: 'Signed-off-by', value: 'Dev One <dev@example.org>' }]
  const t0 = Date.UTC(2026, 0, 5)
  const revision = (series: string, list: string, files: string[], ts: number, missing = false): Parameters<CairnNode['postMany']>[0][number] => ({
    type: 'series.revision',
    ts,
    body: {
      project: 'linux', series, version: 1, subject: `${series}: do the thing`, total: files.length, author: dev, date: ts,
      patches: files.map((f, i) => missing && i === 1 ? { index: i + 1, subject: '', missing: true } : { index: i + 1, subject: `${series}: part ${i + 1}`, message: 'A long commit message that the list does not need.\n'.repeat(20), files: [f], trailers: sob }),
      source: { messageIds: [`<${series}@example.org>`], list }
    }
  })
  const [xfs, net, mm] = await node.postMany([
    revision('xfs', 'linux-xfs@vger.kernel.org', ['fs/xfs/a.c', 'fs/xfs/b.c'], t0),
    revision('net', 'netdev@vger.kernel.org', ['net/core/c.c'], t0 + 1000),
    revision('mm', 'linux-mm@kvack.org', ['mm/d.c', 'mm/e.c'], t0 + 2000, true)
  ]) as [CairnEvent, CairnEvent, CairnEvent]
  await node.indexer.run()
  await node.post('review', { target: { revision: xfs.id }, trailers: [{ key: 'Reviewed-by', value: 'Rev Iewer <rev@example.org>' }] }, [xfs.id])
  await node.post('review', { target: { revision: net.id }, trailers: [{ key: 'Nacked-by', value: 'Maint Ainer <m@example.org>' }] }, [net.id])
  await node.post('decision', { revision: net.id, machine: 'cairn/revision', machineVersion: '1', policyHash: 'p'.repeat(52), state: 'rejected', verdict: 'reject', reasons: ['vetoed: Nacked-by from Maint Ainer'], inputs: [net.id] }, [net.id])
  return { xfs: xfs.id, net: net.id, mm: mm.id }
}

test('GET /api/series: rows are summaries of what the list shows, newest first, in pages', async (t) => {
  const { node, home } = await createNode(t)
  const ids = await threeSeries(node)
  // Posted last, mailed first: the list goes by mail date, as `cairn series list` does.
  await node.post('series.revision', { project: 'linux', series: 'old', version: 1, subject: 'old: mailed a week ago', total: 1, date: Date.UTC(2025, 11, 29), patches: [{ index: 1, subject: 'old: mailed a week ago' }], source: { messageIds: ['<old@example.org>'] } })
  const api = await serve(t, node, home)

  const first = await api.json<ListJson>('/api/series?limit=2')
  t.is(first.total, 4)
  t.alike(first.series.map((s) => s.id), ['mm', 'net'], 'newest first')
  t.ok(first.next !== null, 'a cursor to the next page')
  const second = await api.json<ListJson>(`/api/series?limit=2&cursor=${first.next ?? ''}`)
  t.alike(second.series.map((s) => s.id), ['xfs', 'old'], 'the next page: the one mailed first comes last')
  t.is(second.next, null, 'the last page')

  const res = await api.get('/api/series?q=xfs')
  const text = await res.text()
  const [xfs] = (JSON.parse(text) as ListJson).series
  t.alike(xfs, {
    id: 'xfs',
    project: 'linux',
    subject: 'xfs: do the thing',
    state: 'reviewed',
    verdict: null,
    reasons: [],
    author: { name: 'Dev One', email: 'dev@example.org' },
    poster: node.identityKey,
    list: 'linux-xfs@vger.kernel.org',
    date: Date.UTC(2026, 0, 5),
    ts: Date.UTC(2026, 0, 5),
    latest: { id: ids.xfs, version: 1, total: 2, present: 2, complete: true },
    versions: [{ id: ids.xfs, version: 1 }],
    reviews: 1,
    trailers: { 'Reviewed-by': 1 },
    files: 2,
    paths: ['fs/xfs/a.c', 'fs/xfs/b.c']
  }, 'a summary: no revision body, no commit messages')
  t.ok(text.length < 1000, `small: ${text.length} bytes for a series whose messages are 2 KB`)

  const net = (await api.json<ListJson>('/api/series?q=net')).series[0]
  t.alike([net?.state, net?.verdict, net?.reasons], ['rejected', 'reject', ['vetoed: Nacked-by from Maint Ainer']], 'the decision\'s state, verdict and reasons')
  const mm = (await api.json<ListJson>('/api/series?q=mm')).series[0]
  t.alike([mm?.state, mm?.latest.present, mm?.latest.complete], ['incomplete', 1, false])
})

test('GET /api/series filters by state, list, path touched, trailer on every patch and text, together', async (t) => {
  const { node, home } = await createNode(t)
  await threeSeries(node)
  const api = await serve(t, node, home)
  const ids = async (query: string): Promise<string[]> => (await api.json<ListJson>(`/api/series?${query}`)).series.map((s) => s.id)

  t.alike(await ids('state=reviewed'), ['xfs'])
  t.alike(await ids('state=rejected'), ['net'])
  t.alike(await ids('state=incomplete'), ['mm'])
  t.alike(await ids('state=merged'), [])
  t.alike(await ids('list=NETDEV@vger.kernel.org'), ['net'], 'the list, any case')
  t.alike(await ids('path=fs/xfs/'), ['xfs'], 'a trailing / means everything below')
  t.alike(await ids('path=**/*.c'), ['mm', 'net', 'xfs'])
  t.alike(await ids('path=fs/**&path=net/**'), ['net', 'xfs'], 'any of several globs')
  t.alike(await ids('path=drivers/'), [])
  t.alike(await ids('trailer=Reviewed-by'), ['xfs'], 'from a review of the whole series: on every patch')
  t.alike(await ids('trailer=signed-off-by'), ['mm', 'net', 'xfs'], 'own trailers count, any case')
  t.alike(await ids('trailer=Signed-off-by&trailer=Nacked-by'), ['net'], 'every key given')
  t.alike(await ids('state=reviewed&list=linux-xfs@vger.kernel.org&path=fs/xfs/&trailer=Reviewed-by&q=thing'), ['xfs'], 'all at once')
  t.alike(await ids('state=reviewed&q=net'), [])
})

test('GET /api/series refuses a filter it cannot apply, saying which and why', async (t) => {
  const { node, home } = await createNode(t)
  const api = await serve(t, node, home)
  const error = async (query: string): Promise<[number, string, string]> => {
    const res = await api.get(`/api/series?${query}`)
    const body = await res.json() as { error: string, message: string }
    return [res.status, body.error, body.message]
  }
  let [status, code, message] = await error('state=reviwed')
  t.alike([status, code], [400, 'BAD_QUERY'])
  t.ok(message.includes('state "reviwed" is not a series state') && message.includes('reviewed'), message)
  ;[status, code, message] = await error(`trailer=${encodeURIComponent('Reviewed by')}`)
  t.alike([status, code], [400, 'BAD_QUERY'])
  t.ok(message.includes('trailer "Reviewed by" is not a trailer key'), message)
  ;[status, code, message] = await error('path=')
  t.alike([status, code], [400, 'BAD_QUERY'])
  t.ok(message.includes('path: an empty glob'), message)
  ;[status, code, message] = await error(`path=${encodeURIComponent('fs/[ab')}`)
  t.alike([status, code], [400, 'BAD_QUERY'])
  t.ok(message.includes('path: glob fs/[ab: "[" opens a character class'), message)
  ;[status, code, message] = await error(`path=${'*a'.repeat(600)}`)
  t.alike([status, code], [400, 'BAD_QUERY'], 'a glob too long to be a path filter')
  t.ok(message.includes('path'), message)
  const starry = await api.json<ListJson>(`/api/series?path=${'*a'.repeat(400)}*b`)
  t.alike(starry.series, [], 'a starry glob is answered, not stalled on')
  ;[status, code, message] = await error('cursor=nonsense')
  t.alike([status, code], [400, 'BAD_CURSOR'])
  t.ok(message.includes('cursor "nonsense"'), message)
  ;[status, code, message] = await error('limit=501')
  t.alike([status, code], [400, 'BAD_QUERY'])
  t.ok(message.includes('limit must be an integer from 1 to 500'), message)
  ;[status, code] = await error('states=new')
  t.alike([status, code], [400, 'BAD_QUERY'], 'a misspelt parameter')
})
