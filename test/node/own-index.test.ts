import test from 'brittle'
import type { CairnNode } from '../../node/node.js'
import { encodeBlock } from '../../protocol/block.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { signEvent } from '../../protocol/event.js'
import { createNode } from '../helpers/nodes.js'

/** Every event the views hold, with where it was read and what it says. */
function everything (node: CairnNode): unknown {
  return node.log().map((e) => [e.id, e.feed, e.seq, e.type, e.author, e.ts, e.refs, e.body])
}

test('events this process signed are indexed without verifying them again, into the views a reindex gives', async (t) => {
  const { node } = await createNode(t, 'a')
  const first = await node.post('note', { text: 'one, indexed inline' })
  const drafts = Array.from({ length: 600 }, (_, i) => ({ type: 'note' as const, refs: i % 7 === 0 ? [first.id] : [], body: { text: `${i} ${'é'.repeat(i % 50)}` } }))
  await node.postMany(drafts)
  await node.postMany([{ type: 'trust.set', body: { subject: 'ab'.repeat(32), roles: ['reviewer'] } }])
  await node.indexer.run()
  t.alike(node.indexer.counts, { verified: 0, signedHere: 602, knownBefore: 0 }, 'nothing verified again')
  t.is(node.views.trust.get('ab'.repeat(32))?.has('reviewer'), true, 'a trust event signed here drives trust at once')
  const before = everything(node)

  await node.reindex({ verifyAll: true })
  t.alike(node.indexer.counts, { verified: 602, signedHere: 602, knownBefore: 0 }, 'reindex --verify-all verifies every event')
  t.alike(everything(node), before, 'the same views, event for event')
})

test('a block in the own feed that this process did not sign is verified like any other', async (t) => {
  const { node } = await createNode(t, 'a')
  await node.postMany([{ type: 'note', body: { text: 'signed here, not yet indexed' } }])
  const elsewhere = signEvent({ type: 'note', ts: 5, body: { text: 'signed by this identity in another process' } }, node.identity, nativeCrypto).signed
  const forged = signEvent({ type: 'note', ts: 6, body: { text: 'forged' } }, node.identity, nativeCrypto).signed
  forged.sig = Uint8Array.from(forged.sig).map((x, i) => (i === 0 ? x ^ 1 : x))
  await node.feed.core.append([encodeBlock([elsewhere]), encodeBlock([forged])]) // straight to the core, as a second writer could
  await node.postMany([{ type: 'note', body: { text: 'signed here after them' } }])
  await node.indexer.run()
  t.alike(node.indexer.counts, { verified: 2, signedHere: 2, knownBefore: 0 })
  t.alike(node.views.rejections().map((r) => `${r.seq}:${r.code}`), ['2:INVALID_SIGNATURE'], 'the forged event is rejected')
  t.is(node.log().length, 3, 'the event signed elsewhere is in, after its signature was checked')
  t.is(node.feed.hasUnindexed, false, 'no EventId is left waiting for a block that was already indexed')
})
