import test from 'brittle'
import { decodeBlock } from '../../protocol/block.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { encodeDraft, openEvent, signEvent } from '../../protocol/event.js'
import { openBlock, packPayloads, sealPayloads, signedEvents } from '../../node/crypto/jobs.js'
import { toHex } from '../../protocol/hex.js'
import { CryptoPool } from '../../node/crypto/pool.js'

test('the crypto pool seals and opens exactly as the inline path does', async (t) => {
  const pool = new CryptoPool(2)
  t.teardown(() => pool.destroy())
  const keyPair = nativeCrypto.keyPair(new Uint8Array(32).fill(3))
  const drafts = Array.from({ length: 500 }, (_, i) => ({ type: 'note' as const, ts: 1000 + i, body: { text: `n${i}` } }))
  const encoded = drafts.map((d) => encodeDraft(d, keyPair.publicKey))
  const payloads = encoded.map((e) => e.payload)
  const inline = sealPayloads(packPayloads(payloads), keyPair.secretKey, nativeCrypto)
  const packed = packPayloads(payloads)
  const pooled = await pool.seal(packed, keyPair.secretKey)
  t.is(packed.bytes.byteLength, 0, 'the payloads were transferred, not copied')
  t.alike(pooled.blocks.map((b) => Buffer.from(b)), inline.blocks.map((b) => Buffer.from(b)), 'same block bytes (ed25519 is deterministic)')
  t.alike(pooled.ids, inline.ids, 'same EventIds')
  const fromBlocks = inline.blocks.flatMap((b) => decodeBlock(b)).map((s) => openEvent(s, nativeCrypto))
  t.alike(signedEvents(drafts, encoded.map((e) => e.ts), pooled.ids, toHex(keyPair.publicKey)), fromBlocks, 'the events rebuilt from the drafts are exactly those stored')
  t.alike(fromBlocks.map((e) => e.id), drafts.map((d) => signEvent(d, keyPair, nativeCrypto).event.id), 'and those signEvent gives')
  const feed = 'f'.repeat(64)
  for (const [seq, block] of inline.blocks.entries()) t.alike(await pool.open(block, feed, seq), openBlock(block, feed, seq, nativeCrypto))
  t.alike(await pool.open(new Uint8Array([1, 2, 3]), feed, 9), openBlock(new Uint8Array([1, 2, 3]), feed, 9, nativeCrypto), 'garbage is rejected the same way')
})

test('a batch for the pool with one bad draft appends nothing', async (t) => {
  const { CairnNode } = await import('../../node/node.js')
  const a = await CairnNode.init(await t.tmp(), 'a')
  t.teardown(() => a.close())
  const drafts = Array.from({ length: 600 }, (_, i) => ({ type: 'note' as const, body: { text: `n${i}` } }))
  drafts[450] = { type: 'note', body: { text: 5 as never } }
  await t.exception(a.postMany(drafts), /SCHEMA: note: text/, 'the bad draft is named')
  t.is(a.feed.core.length, 0, 'nothing appended')
  t.is((await a.postMany(drafts.filter((_, i) => i !== 450))).length, 599, 'the good ones append afterwards')
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

test('warm() starts one thread per slot, once, and resolves when each has loaded; a destroyed pool starts none', async (t) => {
  const pool = new CryptoPool(2)
  t.is(pool.threads, 0, 'no thread before work or warm()')
  await pool.warm()
  t.is(pool.threads, 2)
  await pool.warm()
  t.is(pool.threads, 2, 'warming again starts nothing more')
  const keyPair = nativeCrypto.keyPair(new Uint8Array(32).fill(4))
  t.is((await pool.seal(packPayloads([encodeDraft({ type: 'note', ts: 1, body: { text: 'x' } }, keyPair.publicKey).payload]), keyPair.secretKey)).ids.length, 1, 'the warm threads take work')
  await pool.destroy()
  await pool.warm()
  t.is(pool.threads, 0, 'warm() after destroy() starts no thread')
})
