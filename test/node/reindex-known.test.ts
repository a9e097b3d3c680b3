import test from 'brittle'
import type { TestInstance } from 'brittle'
import type { CairnNode } from '../../node/node.js'
import { encodeBlock } from '../../protocol/block.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { signEvent } from '../../protocol/event.js'
import { CairnNode as Node } from '../../node/node.js'
import { createNode, syncOnce } from '../helpers/nodes.js'

/** Every event the views hold, with where it was read and what it says, and every rejection. */
function everything (node: CairnNode): unknown {
  return {
    events: node.log().map((e) => [e.id, e.feed, e.seq, e.type, e.author, e.ts, e.refs, e.body]),
    rejected: node.views.rejections().map((r) => [r.feed, r.seq, r.index, r.code, r.reason])
  }
}

/** b follows a, whose feed holds 300 notes in blocks of many events, then a forged event and a good one in blocks of their own. */
async function peers (t: TestInstance): Promise<{ a: CairnNode, b: CairnNode, bHome: string }> {
  const { node: a } = await createNode(t, 'a')
  const { node: b, home: bHome } = await createNode(t, 'b')
  await a.postMany(Array.from({ length: 300 }, (_, i) => ({ type: 'note' as const, body: { text: `note ${i}` } })))
  const forged = signEvent({ type: 'note', ts: 7, body: { text: 'forged' } }, a.identity, nativeCrypto).signed
  forged.sig = Uint8Array.from(forged.sig).map((x, i) => (i === 0 ? x ^ 1 : x))
  await a.feed.core.append([encodeBlock([forged])])
  await a.postMany([{ type: 'note', body: { text: 'after the forged one' } }])
  await b.follow(a.feedKey)
  t.ok(await syncOnce(a, b))
  await b.indexer.run()
  return { a, b, bHome }
}

test('reindex takes the events the views held without checking their signatures again, and gives the same views', async (t) => {
  const { b } = await peers(t)
  t.is(b.log({ type: 'note' }).length, 301)
  t.alike(b.views.rejections().map((r) => r.code), ['INVALID_SIGNATURE'])
  const verified = b.indexer.counts.verified
  const before = everything(b)

  await b.reindex()
  t.is(b.indexer.counts.knownBefore, 301, 'every event held before is recognised by its EventId')
  t.is(b.indexer.counts.verified - verified, 1, 'only the block that was rejected is verified again, and rejected again')
  t.alike(everything(b), before, 'the same events and rejections')
  t.is(b.views.rebuildingVerified, false, 'the kept EventIds are dropped once the rebuild settles')

  await b.reindex({ verifyAll: true })
  t.is(b.indexer.counts.knownBefore, 301, 'with verifyAll nothing is taken on trust')
  t.is(b.indexer.counts.verified - verified, 1 + 302, 'every event verified')
  t.alike(everything(b), before)
})

test('during a rebuild a block is taken only when every EventId in it was held before', async (t) => {
  const { b } = await peers(t)
  const held = b.log().map((e) => e.id)
  const other = 'ab'.repeat(32)
  t.is(b.views.knownBefore(held), false, 'before a clear: nothing is taken on trust')
  await b.indexer.between(() => b.views.clear())
  t.is(b.views.rebuildingVerified, true)
  t.is(b.views.knownBefore(held), true, 'every event held before the clear')
  t.is(b.views.knownBefore([...held.slice(0, 3), other]), false, 'one EventId not held: the block is verified')
  await b.indexer.between(() => b.views.clear(false))
  t.is(b.views.rebuildingVerified, false, 'a clear that keeps nothing (verifyAll) drops what an earlier one kept')
  t.is(b.views.knownBefore(held.slice(0, 1)), false)
})

test('a rebuild killed before it settled goes on with the EventIds it kept, after the node opens again', async (t) => {
  const { b, bHome } = await peers(t)
  const before = everything(b)
  await b.indexer.between(() => b.views.clear()) // the clear commits; the process stops before any frame
  await b.close()
  const again = await Node.open(bHome) // its first pass rebuilds
  t.teardown(() => again.close())
  await again.indexer.run()
  t.is(again.indexer.counts.knownBefore, 301, 'the kept EventIds survived the restart')
  t.is(again.indexer.counts.verified, 1, 'only the rejected block is verified')
  t.alike(everything(again), before)
  t.is(again.views.rebuildingVerified, false)
})
