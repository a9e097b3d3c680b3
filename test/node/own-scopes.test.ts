import test from 'brittle'
import type { CairnNode } from '../../node/node.js'
import { CairnNode as Node } from '../../node/node.js'
import { feedScopes } from '../../node/net/scopes.js'
import { createNode, syncOnce } from '../helpers/nodes.js'

/** A one-patch series revision of `project` from `list` (none: posted from git, no list). */
async function postRevision (node: CairnNode, project: string, list?: string): Promise<void> {
  const diff = await node.blobs.put(Buffer.from(`diff --git a/${project} b/${project}\n`))
  await node.post('series.revision', {
    project,
    series: `${project}-${node.feed.core.length}`,
    version: 1,
    subject: `[PATCH] ${project}: fix`,
    total: 1,
    patches: [{ index: 1, subject: `${project}: fix`, author: { name: 'Dev', email: 'dev@example.org' }, message: 'Fix.', diff }],
    source: { messageIds: [`<${project}-${node.feed.core.length}@example.org>`], ...(list === undefined ? {} : { list }) }
  })
}

test('own scopes follow each revision and equal the computation over the whole history (issue 17)', async (t) => {
  const { node: other } = await createNode(t, 'other')
  await postRevision(other, 'net', 'netdev')
  const home = await t.tmp()
  let node = await Node.init(home, 'bridge')
  t.alike(feedScopes(node.views, node.feedKey), [], 'nothing posted: no scopes')
  await node.follow(other.feedKey)
  t.ok(await syncOnce(other, node))
  t.alike(feedScopes(node.views, node.feedKey), [], 'another feed\'s revisions are not ours')
  const steps: Array<[string, string | undefined]> = [['xfs', 'linux-xfs'], ['xfs', 'linux-xfs'], ['btrfs', undefined], ['ext4', 'linux-ext4'], ['aaa', 'linux-aaa']]
  const expected = new Set<string>()
  for (const [project, list] of steps) {
    await postRevision(node, project, list)
    expected.add(`project:${project}`)
    if (list !== undefined) expected.add(`list:${list}`)
    t.alike(feedScopes(node.views, node.feedKey), [...expected].sort(), `after ${project}: updated from the new revision`)
  }
  for (let i = 0; i < 14; i++) await postRevision(node, `p${String(i).padStart(2, '0')}`)
  const incremental = feedScopes(node.views, node.feedKey)
  t.is(incremental.length, 16, 'at most 16')
  t.is(incremental[0], 'list:linux-aaa', 'the first 16 in order, whatever order they came in')
  await node.close()
  node = await Node.open(home) // a fresh process computes over the whole history
  t.teardown(() => node.close(), { order: 0 })
  t.alike(feedScopes(node.views, node.feedKey), incremental, 'the same as the full computation')
  await node.reindex()
  t.alike(feedScopes(node.views, node.feedKey), incremental, 'and after a reindex (the views cleared and indexed again)')
})
