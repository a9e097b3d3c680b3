import test from 'brittle'
import { CairnNode } from '../../node/node.js'
import type { IndexProgress } from '../../node/views/indexer.js'
import { MAX_BLOCK_BYTES } from '../../protocol/block.js'
import { createNode, syncOnce } from '../helpers/nodes.js'

// The indexer bounds a frame (one transaction of the views) by the bytes of
// its blocks, not only by their count: a feed's block size is its writer's
// choice, and a peer may serve blocks of many megabytes.
test('a frame takes up to 4 MB of blocks, and a larger block alone', async (t) => {
  const { node: a } = await createNode(t, 'a')
  const home = await t.tmp()
  const frames: IndexProgress[] = []
  const b = await CairnNode.init(home, 'b', { onProgress: (p) => frames.push(p) })
  t.teardown(() => b.close())
  // Nine blocks of just under 1 MB: a note of 1,000,000 characters, two of which do not fit a block.
  await a.postMany(Array.from({ length: 9 }, (_, i) => ({ type: 'note' as const, body: { text: String(i).repeat(1_000_000) } })))
  t.is(a.feed.core.length, 9, 'nine blocks')
  await a.feed.core.append(Buffer.alloc(5 * 1024 * 1024)) // 5 MB that are no block of events
  await a.post('note', { text: 'after' })
  await b.follow(a.feedKey)
  t.ok(await syncOnce(a, b))
  frames.length = 0
  await b.reindex() // every block is local now: the frames are cut by the bound alone
  const ofA = frames.filter((f) => f.feed === a.feedKey)
  t.alike(ofA.map((f) => f.length), [4, 8, 9, 10, 11], 'four blocks of ~1 MB a frame (a fifth would pass 4 MB), the 5 MB block alone')
  t.alike(ofA.map((f) => [f.events, f.rejected]), [[4, 0], [4, 0], [1, 0], [0, 1], [1, 0]], 'each frame with its events, the 5 MB of garbage rejected')
  t.is(b.log().filter((e) => e.feed === a.feedKey).length, 10, 'its ten events indexed')
  t.ok(MAX_BLOCK_BYTES < 4 * 1024 * 1024, 'a frame holds several full blocks')
})
