import test from 'brittle'
import { encodeBlock } from '../../protocol/block.js'
import { pack } from '../../protocol/codec.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { signEvent, SIGN_DOMAIN } from '../../protocol/event.js'
import type { Signed } from '../../protocol/event.js'
import { createNode, syncOnce } from '../helpers/nodes.js'

test('a peer feed with a bad signature, a truncated block, garbage and an unknown version: rejected with reasons, storage intact', async (t) => {
  const { node: a } = await createNode(t, 'a')
  const { node: b } = await createNode(t, 'b')
  const kp = a.identity
  let ts = 1_000
  const good = (text: string): Signed => signEvent({ type: 'note', ts: ts++, body: { text } }, kp, nativeCrypto).signed
  const forged = good('forged')
  forged.sig = Uint8Array.from(forged.sig).map((x, i) => (i === 0 ? x ^ 1 : x))
  const v2payload = pack({ v: 2, type: 'note', author: kp.publicKey, ts: 1, refs: [], body: { text: 'from the future' } })
  const v2: Signed = { payload: v2payload, sig: nativeCrypto.sign(new Uint8Array([...SIGN_DOMAIN, ...v2payload]), kp.secretKey) }
  const whole = encodeBlock([good('kept too')])

  // Written straight to A's core, as a buggy or hostile writer could.
  await a.feed.core.append([
    encodeBlock([good('first good'), forged, v2]),
    new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]),
    whole.subarray(0, whole.byteLength - 40),
    encodeBlock([good('last good')])
  ])
  await b.follow(a.feedKey)
  t.ok(await syncOnce(a, b))

  t.alike(b.log({ author: a.identityKey }).map((e) => e.type === 'note' ? e.body.text : ''), ['first good', 'last good'], 'only the good events are in the views')
  const reasons = b.views.rejections().filter((r) => r.feed === a.feedKey).map((r) => `${r.seq}:${r.index ?? '-'}:${r.code}`)
  t.alike(reasons, ['0:1:INVALID_SIGNATURE', '0:2:UNKNOWN_VERSION', '1:-:DECODE', '2:-:DECODE'], 'each bad input is recorded with feed, block, position and code')
  t.ok(b.views.rejections().every((r) => r.reason.length > 10), 'with a readable reason')

  const core = b.coreFor(a.feedKey)
  t.is(core.length, 4, 'all four blocks are stored')
  for (let seq = 0; seq < 4; seq++) {
    t.alike(await core.get(seq), await a.feed.core.get(seq), `block ${seq} stored byte for byte`)
  }
})
