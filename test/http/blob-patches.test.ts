import test from 'brittle'
import { createNode } from '../helpers/nodes.js'
import { fillMaintainer } from './fill.js'
import { serve } from './serve.js'

interface Uses { hash: string, patches: Array<{ revision: string, series: string, project: string, version: number, index: number, subject: string, part: string }> }

test('GET /api/blobs/:hash/patches names the revision and patch a diff blob belongs to', async (t) => {
  const { node, home } = await createNode(t, 'maintainer')
  const filled = await fillMaintainer(node)
  const api = await serve(t, node, home)

  const uses = await api.json<Uses>(`/api/blobs/${filled.diffHash}/patches`)
  t.alike(uses, {
    hash: filled.diffHash,
    patches: [{ revision: filled.v2.id, series: 'xfs-untrusted-iget', project: 'linux', version: 2, index: 1, subject: 'xfs: pass XFS_IGET_UNTRUSTED from xfs_iget', part: 'diff' }]
  }, 'v2\'s patch 1, whose diff it is')

  const other = 'f'.repeat(64)
  t.alike(await api.json<Uses>(`/api/blobs/${other}/patches`), { hash: other, patches: [] }, 'a blob no revision names: none')
  const bad = await api.get('/api/blobs/nothex/patches')
  t.is(bad.status, 400)
  t.is((await bad.json() as { error: string }).error, 'BAD_HASH')
})
