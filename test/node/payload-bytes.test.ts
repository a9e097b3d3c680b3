import test from 'brittle'
import { pack } from '../../protocol/codec.js'
import { sealPayload } from '../../protocol/event.js'
import { encodeBlock } from '../../protocol/block.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { createNode, syncOnce } from '../helpers/nodes.js'

// Hand-made msgpack, as a hostile writer would sign it: a map from raw key and value bytes.
const bytes = (value: unknown): Buffer => Buffer.from(pack(value))
const map = (entries: Buffer[][]): Buffer => Buffer.concat([Buffer.from([0x80 | entries.length]), ...entries.flat()])

test('a peer\'s event whose bytes do not read back as signed is rejected, so log never shows other than what was signed (issue 13 item 12)', async (t) => {
  const { node: writer } = await createNode(t, 'writer')
  const { node: reader } = await createNode(t, 'reader')
  const head = [[bytes('type'), bytes('note')], [bytes('author'), bytes(writer.identity.publicKey)], [bytes('ts'), bytes(1_700_000_000_000)], [bytes('refs'), bytes([])]]
  const envelope = (body: Buffer): Buffer => map([[bytes('v'), bytes(1)], ...head, [bytes('body'), body]])
  const bodies: Array<[string, Buffer]> = [
    ['honest', bytes({ text: 'honest' })],
    ['a repeated key', map([[bytes('text'), bytes('first')], [bytes('text'), bytes('second')]])],
    ['a number as key', map([[bytes('text'), bytes('x')], [bytes(1), bytes('y')]])],
    ['nil as key', map([[bytes('text'), bytes('x')], [bytes(null), bytes('y')]])],
    ['a __proto__ key', map([[bytes('text'), bytes('x')], [bytes('__proto__'), bytes({ polluted: true })]])],
    ['invalid UTF-8', map([[bytes('text'), Buffer.from([0xa2, 0xc3, 0x28])]])],
    ['a float32', map([[bytes('text'), bytes('x')], [bytes('f'), Buffer.from([0xca, 0x3f, 0xc0, 0, 0])]])]
  ]
  // Whole envelopes in the drafts' key order, whose head or keys do not read back.
  const envelopes: Array<[string, Buffer]> = [
    ['v as a uint8', map([[bytes('v'), Buffer.from([0xcc, 0x01])], ...head, [bytes('body'), bytes({ text: 'x' })]])],
    ['body twice', map([[bytes('v'), bytes(1)], ...head, [bytes('body'), bytes({ text: 'x' })], [bytes('body'), bytes({ text: 'y' })]])]
  ]
  const payloads = [...bodies.map(([name, body]): [string, Buffer] => [name, envelope(body)]), ...envelopes]
  await writer.feed.core.append(payloads.map(([, payload]) => encodeBlock([sealPayload(payload, writer.identity.secretKey, nativeCrypto)])))
  await reader.follow(writer.feedKey)
  t.ok(await syncOnce(writer, reader))
  await reader.indexer.run()
  t.alike(reader.log({ type: 'note' }).map((e) => e.body), [{ text: 'honest' }], 'only the honest event is shown')
  const rejected = reader.views.rejections()
  t.alike(rejected.map((r) => r.seq), [1, 2, 3, 4, 5, 6, 7, 8], 'every other block is rejected')
  for (const r of rejected) t.is(r.code, 'MALFORMED', `${payloads[r.seq]?.[0] ?? '?'}: ${r.reason}`)
})
