import test from 'brittle'
import { toHex } from '../../protocol/hex.js'
import { createNode } from '../helpers/nodes.js'
import { fillMaintainer } from './fill.js'
import { serve } from './serve.js'

interface Pair { status: string, from: { index: number, subject: string } | null, to: { index: number, subject: string } | null, diff: string | null }
interface InterdiffJson { from: { id: string, version: number }, to: { id: string, version: number }, counts: Record<string, number>, pairs: Pair[], missing: { from: number[], to: number[] } }

test('GET /api/interdiff?from=&to= pairs the patches of two revisions and diffs the changed ones, with an ETag', async (t) => {
  const { node, home } = await createNode(t, 'maintainer')
  const { v1, v2 } = await fillMaintainer(node)
  const api = await serve(t, node, home)

  const path = `/api/interdiff?from=${v1.id}&to=${v2.id}`
  const d = await api.json<InterdiffJson>(path)
  t.alike([d.from.id, d.from.version, d.to.id, d.to.version], [v1.id, 1, v2.id, 2])
  t.alike(d.counts, { same: 0, changed: 1, dropped: 0, added: 0 })
  const [pair] = d.pairs
  t.is(pair?.status, 'changed')
  t.alike([pair?.from?.index, pair?.to?.index], [1, 1])
  const lines = (pair?.diff ?? '').split('\n')
  t.ok(lines.includes('-+\terror = xfs_iread(mp, tp, ip, flags | XFS_IGET_DONTCACHE);'), 'the v1 line, as a diff of diffs')
  t.ok(lines.includes('++\terror = xfs_iread(mp, tp, ip, flags | XFS_IGET_UNTRUSTED);'), 'the v2 line')
  t.alike(d.missing, { from: [], to: [] })

  const res = await api.get(path)
  const etag = res.headers.get('etag') ?? ''
  t.ok(etag !== '', 'an ETag')
  t.is((await api.get(path, { 'if-none-match': etag })).status, 304, 'unchanged: 304')

  const same = await api.json<InterdiffJson>(`/api/interdiff?from=${v2.id}&to=${v2.id}`)
  t.alike(same.pairs.map((p) => [p.status, p.diff]), [['same', null]], 'a revision against itself: nothing changed')
})

test('GET /api/interdiff refuses what is not two known revisions, naming which and why', async (t) => {
  const { node, home } = await createNode(t, 'maintainer')
  const { v1, v2, review } = await fillMaintainer(node)
  const api = await serve(t, node, home)
  const error = async (path: string): Promise<[number, string, string]> => {
    const res = await api.get(path)
    const body = await res.json() as { error: string, message: string }
    return [res.status, body.error, body.message]
  }

  let [status, code, message] = await error(`/api/interdiff?from=${v1.id}`)
  t.alike([status, code], [400, 'BAD_QUERY'])
  t.ok(message.includes('to is missing') && message.includes('from=REVISION_ID&to=REVISION_ID'), message)
  ;[status, code, message] = await error(`/api/interdiff?from=v1&to=${v2.id}`)
  t.alike([status, code], [400, 'BAD_ID'])
  t.ok(message.startsWith('from: "v1" is not an EventId'), message)
  ;[status, code, message] = await error(`/api/interdiff?from=${v1.id}&to=${'e'.repeat(64)}`)
  t.alike([status, code], [404, 'NOT_FOUND'])
  t.ok(message.startsWith(`to: no event ${'e'.repeat(64)}`), message)
  ;[status, code, message] = await error(`/api/interdiff?from=${review.id}&to=${v2.id}`)
  t.alike([status, code], [404, 'NOT_FOUND'])
  t.ok(message.includes('is a review event, not a series.revision'), message)
  ;[status, code] = await error(`/api/interdiff?from=${v1.id}&to=${v2.id}&form=x`)
  t.alike([status, code], [400, 'BAD_QUERY'], 'an unknown parameter is refused')

  // A revision whose diff is not here yet (it names the next block of our blobs core): 404 BLOB_MISSING,
  // not remembered as the answer: once the blob arrives, the interdiff is made.
  const diff = new TextEncoder().encode('diff --git a/fs/xfs/xfs_inode.c b/fs/xfs/xfs_inode.c\n--- a/fs/xfs/xfs_inode.c\n+++ b/fs/xfs/xfs_inode.c\n@@ -1 +1 @@\n-a\n+b\n')
  const ref = { hash: toHex(node.crypto.blake2b256(diff)), core: node.blobsKey, offset: node.blobCore.length, length: diff.byteLength }
  const late = await node.post('series.revision', { ...v2.body, version: 3, patches: [{ ...v2.body.patches[0] as typeof v2.body.patches[number], diff: ref }] })
  ;[status, code, message] = await error(`/api/interdiff?from=${v2.id}&to=${late.id}`)
  t.alike([status, code], [404, 'BLOB_MISSING'])
  t.ok(message.includes('sync with a peer'), message)
  t.alike(await node.blobs.put(diff), ref, 'the blob arrives where the revision said')
  const d = await api.json<InterdiffJson>(`/api/interdiff?from=${v2.id}&to=${late.id}`)
  t.is(d.pairs[0]?.status, 'changed', 'asked again: the interdiff')
})
