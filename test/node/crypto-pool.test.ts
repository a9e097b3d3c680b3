import test from 'brittle'
import { decodeBlock } from '../../protocol/block.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { openEvent } from '../../protocol/event.js'
import { openBlock, signDrafts, signedEvents } from '../../node/crypto-jobs.js'
import { toHex } from '../../protocol/hex.js'
import { CryptoPool } from '../../node/crypto-pool.js'

test('the crypto pool signs and opens exactly as the inline path does', async (t) => {
  const pool = new CryptoPool(2)
  t.teardown(() => pool.destroy())
  const keyPair = nativeCrypto.keyPair(new Uint8Array(32).fill(3))
  const drafts = Array.from({ length: 500 }, (_, i) => ({ type: 'note' as const, ts: 1000 + i, body: { text: `n${i}` } }))
  const inline = signDrafts(drafts, keyPair, nativeCrypto)
  const pooled = await pool.sign({ op: 'sign', drafts, keyPair })
  t.alike(pooled.blocks.map((b) => Buffer.from(b)), inline.blocks.map((b) => Buffer.from(b)), 'same block bytes (ed25519 is deterministic)')
  t.alike(pooled.ids, inline.ids, 'same EventIds')
  t.alike(pooled.ts, inline.ts, 'same timestamps')
  const fromBlocks = inline.blocks.flatMap((b) => decodeBlock(b)).map((s) => openEvent(s, nativeCrypto))
  t.alike(signedEvents(drafts, pooled, toHex(keyPair.publicKey)), fromBlocks, 'the events rebuilt from the drafts are exactly those stored')
  const feed = 'f'.repeat(64)
  for (const [seq, block] of inline.blocks.entries()) t.alike(await pool.open(block, feed, seq), openBlock(block, feed, seq, nativeCrypto))
  t.alike(await pool.open(new Uint8Array([1, 2, 3]), feed, 9), openBlock(new Uint8Array([1, 2, 3]), feed, 9, nativeCrypto), 'garbage is rejected the same way')
  await t.exception(pool.sign({ op: 'sign', drafts: [{ type: 'note', body: { text: 1 } as never }], keyPair }), /SCHEMA/, 'a schema error crosses the thread with its code')
})

test('closing a node while it indexes waits for the pass and starts no worker afterwards', async (t) => {
  const { CairnNode } = await import('../../node/node.js')
  const { syncOnce } = await import('../helpers/nodes.js')
  const a = await CairnNode.init(await t.tmp(), 'a')
  const b = await CairnNode.init(await t.tmp(), 'b')
  t.teardown(() => a.close())
  await a.postMany(Array.from({ length: 3000 }, (_, i) => ({ type: 'note' as const, body: { text: `${i} ${'z'.repeat(500)}` } })))
  await b.follow(a.feedKey)
  await syncOnce(a, b)
  const indexing = b.indexer.run() // a pass over the synced feed, on the pool
  await b.close()
  await indexing
  await t.exception(b.indexer.run().then(() => { throw new Error('ran') }), /ran/, 'run() after close is a no-op that resolves')
  const pool = new CryptoPool(1)
  await pool.destroy()
  await t.exception(pool.open(new Uint8Array([1]), 'f'.repeat(64), 0), /CLOSED/, 'a destroyed pool refuses work instead of spawning a thread')
})
