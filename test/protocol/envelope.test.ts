import test from 'brittle'
import { batchIntoBlocks, decodeBlock, encodeBlock, MAX_BLOCK_BYTES } from '../../protocol/block.js'
import { pack } from '../../protocol/codec.js'
import { libsodiumCrypto } from '../../protocol/crypto.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { isCairnError } from '../../protocol/errors.js'
import type { CairnCode } from '../../protocol/errors.js'
import { openEvent, readEvent, signEvent, SIGN_DOMAIN, validateDraft } from '../../protocol/event.js'
import type { Signed } from '../../protocol/event.js'
import { GOLDEN_DRAFTS, GOLDEN_SEED } from './drafts.js'

const keyPair = nativeCrypto.keyPair(GOLDEN_SEED)

async function code (t: { ok: (v: unknown, m?: string) => void }, fn: () => unknown, expected: CairnCode, mentions?: string): Promise<void> {
  try {
    fn()
    t.ok(false, `expected ${expected}, nothing thrown`)
  } catch (err) {
    t.ok(isCairnError(err, expected), `${expected}: ${(err as Error).message}`)
    if (mentions !== undefined) t.ok((err as Error).message.includes(mentions), `message names "${mentions}"`)
  }
}

/** Sign an arbitrary payload map properly, to test checks that come after the signature. */
function signRaw (payload: Record<string, unknown>): Signed {
  const bytes = pack(payload)
  const msg = new Uint8Array([...SIGN_DOMAIN, ...bytes])
  return { payload: bytes, sig: nativeCrypto.sign(msg, keyPair.secretKey) }
}

test('libsodium-wrappers and sodium-native agree byte for byte', async (t) => {
  const wasm = await libsodiumCrypto()
  const a = wasm.keyPair(GOLDEN_SEED)
  t.alike(Buffer.from(a.publicKey), Buffer.from(keyPair.publicKey), 'same public key from the seed')
  t.alike(Buffer.from(a.secretKey), Buffer.from(keyPair.secretKey), 'same secret key')
  for (const size of [0, 1, 1000, 70_000]) {
    const msg = new Uint8Array(size).map((_, i) => (i * 31) & 0xff)
    const s1 = wasm.sign(msg, a.secretKey)
    const s2 = nativeCrypto.sign(msg, keyPair.secretKey)
    t.alike(Buffer.from(s1), Buffer.from(s2), `signature of ${size} bytes`)
    t.ok(wasm.verify(s2, msg, a.publicKey) && nativeCrypto.verify(s1, msg, keyPair.publicKey), 'each verifies the other')
    t.alike(Buffer.from(wasm.blake2b256(msg)), Buffer.from(nativeCrypto.blake2b256(msg)), `blake2b-256 of ${size} bytes`)
    const cut = Math.floor(size / 3)
    const parts = [msg.subarray(0, cut), msg.subarray(cut, 2 * cut), msg.subarray(2 * cut)]
    t.alike(Buffer.from(nativeCrypto.blake2b256(...parts)), Buffer.from(nativeCrypto.blake2b256(msg)), 'sodium-native: blake2b-256 of parts is that of the whole')
    t.alike(Buffer.from(wasm.blake2b256(...parts)), Buffer.from(wasm.blake2b256(msg)), 'libsodium-wrappers: the same')
  }
  const { signed } = signEvent(GOLDEN_DRAFTS.review, keyPair, nativeCrypto)
  t.is(openEvent(signed, wasm).id, openEvent(signed, nativeCrypto).id, 'an event opens to the same id with either')
})

test('openEvent rejects each kind of bad input with its code', async (t) => {
  const { signed } = signEvent(GOLDEN_DRAFTS.note, keyPair, nativeCrypto)
  const flipped = Uint8Array.from(signed.payload)
  flipped.set([(flipped.at(-3) ?? 0) ^ 1], flipped.length - 3)
  await code(t, () => openEvent({ payload: flipped, sig: signed.sig }, nativeCrypto), 'INVALID_SIGNATURE', 'author')
  const badSig = Uint8Array.from(signed.sig)
  badSig.set([(badSig.at(0) ?? 0) ^ 1], 0)
  await code(t, () => openEvent({ payload: signed.payload, sig: badSig }, nativeCrypto), 'INVALID_SIGNATURE')
  await code(t, () => openEvent({ payload: signed.payload, sig: signed.sig.subarray(0, 10) }, nativeCrypto), 'MALFORMED', 'signature')
  await code(t, () => openEvent('hello', nativeCrypto), 'MALFORMED')
  await code(t, () => openEvent({ payload: new Uint8Array([0xc1, 0xff, 0x00]), sig: signed.sig }, nativeCrypto), 'DECODE')
  await code(t, () => openEvent({ payload: new Uint8Array([...signed.payload, 0x00]), sig: signed.sig }, nativeCrypto), 'DECODE', '2 msgpack values')
  await code(t, () => openEvent({ payload: signed.payload.subarray(0, 20), sig: signed.sig }, nativeCrypto), 'DECODE')

  const base = { type: 'note', author: keyPair.publicKey, ts: 1, refs: [], body: { text: 'x' } }
  await code(t, () => openEvent(signRaw({ v: 2, ...base }), nativeCrypto), 'UNKNOWN_VERSION', 'version 2')
  await code(t, () => openEvent(signRaw({ v: 1, ...base, type: 'frobnicate' }), nativeCrypto), 'UNKNOWN_TYPE', 'frobnicate')
  await code(t, () => openEvent(signRaw({ v: 1, ...base, body: { text: 42 } }), nativeCrypto), 'SCHEMA', 'text')
  await code(t, () => openEvent(signRaw({ v: 1, ...base, ts: 1.5 }), nativeCrypto), 'MALFORMED', 'ts')
  await code(t, () => openEvent(signRaw({ v: 1, ...base, refs: [new Uint8Array(3)] }), nativeCrypto), 'MALFORMED', 'refs')
  await code(t, () => openEvent(signRaw({ v: 1, ...base, author: new Uint8Array(31) }), nativeCrypto), 'MALFORMED', 'author')
})

test('validateDraft names the field that is wrong', async (t) => {
  await code(t, () => validateDraft('trust.set', { subject: 'abc', roles: ['reviewer'] }), 'SCHEMA', 'subject')
  await code(t, () => validateDraft('trust.set', { subject: 'a'.repeat(64), roles: ['pope'] }), 'SCHEMA', 'roles.0')
  await code(t, () => validateDraft('note', { text: 'x' }, ['nothex']), 'SCHEMA', 'nothex')
  await code(t, () => validateDraft('result', { ...GOLDEN_DRAFTS.result.body, verdict: 'meh' }), 'SCHEMA', 'verdict')
  t.execution(() => validateDraft('note', { text: 'x', extra: 'kept for newer minor versions' }), 'unknown extra fields pass')
  const job = GOLDEN_DRAFTS['job.request'].body
  await code(t, () => validateDraft('job.request', { ...job, reuse: true }), 'SCHEMA', 'reuse')
  await code(t, () => validateDraft('job.request', { ...job, rerunOf: 'nothex' }), 'SCHEMA', 'rerunOf')
  t.execution(() => validateDraft('job.request', { ...job, reuse: false, rerunOf: 'a'.repeat(64) }), 'reuse: false and rerunOf pass')
})

test('blocks: batching, round trip, and garbage', async (t) => {
  const events = Array.from({ length: Math.ceil(2.5 * MAX_BLOCK_BYTES / 1000) }, (_, i) => signEvent({ type: 'note', ts: i, body: { text: 'x'.repeat(900) } }, keyPair, nativeCrypto).signed)
  const blocks = batchIntoBlocks(events)
  t.is(blocks.length, 3, 'two and a half blocks\' worth of events fill three blocks')
  t.ok(blocks.every((b) => b.byteLength <= MAX_BLOCK_BYTES), `each of at most ${MAX_BLOCK_BYTES} bytes`)
  const back = blocks.flatMap((b) => decodeBlock(b)).map((s) => openEvent(s, nativeCrypto).ts)
  t.alike(back, events.map((_, i) => i), 'every event back, in order')
  const one = encodeBlock(events.slice(0, 3))
  await code(t, () => decodeBlock(one.subarray(0, one.byteLength - 50)), 'DECODE')
  await code(t, () => decodeBlock(new Uint8Array([1, 2, 3, 4])), 'DECODE')
  await code(t, () => decodeBlock(pack({ not: 'a list' })), 'MALFORMED')
})

test('encodeBlock writes exactly the bytes msgpackr gives for [{ payload, sig }, ...]', t => {
  for (const n of [0, 1, 15, 16, 70]) {
    for (const len of [0, 1, 255, 256, 65535, 65536]) {
      const events = Array.from({ length: n }, (_, i) => ({ payload: new Uint8Array(len).fill(i), sig: new Uint8Array(64).fill(7) }))
      const direct = Buffer.from(encodeBlock(events))
      if (!direct.equals(Buffer.from(pack(events.map(({ payload, sig }) => ({ payload, sig })))))) t.fail(`${n} events of ${len} bytes differ`)
      else if (n === 1) t.alike(decodeBlock(direct), events.map((e) => ({ payload: Buffer.from(e.payload), sig: Buffer.from(e.sig) })), `one event of ${len} bytes decodes back`)
    }
  }
  t.pass('every combination of count and payload size gives the same bytes')
})

test('readEvent: an opened payload\'s tail from bodyStart is its body as pack() gives it; another key order gives null', t => {
  const drafts = [...Object.values(GOLDEN_DRAFTS), { type: 'note' as const, body: { text: 'ü€'.repeat(3000) }, refs: ['ab'.repeat(32), 'cd'.repeat(32)] }]
  for (const draft of drafts) {
    const { signed } = signEvent(draft, keyPair, nativeCrypto)
    for (const verify of [true, false]) {
      const { event, bodyStart } = readEvent(signed, nativeCrypto, verify)
      t.ok(bodyStart !== null && Buffer.from(signed.payload.subarray(bodyStart)).equals(pack(event.body)), `${draft.type}${verify ? '' : ' (not verified)'}: the tail is pack(body)`)
    }
  }
  const reordered = signRaw({ v: 1, type: 'note', author: keyPair.publicKey, ts: 1, body: { text: 'x' }, refs: [] })
  t.is(readEvent(reordered, nativeCrypto, true).bodyStart, null, 'body not last: opens, with no body start')
  t.is(openEvent(reordered, nativeCrypto).type, 'note')
})
