import test from 'brittle'
import { pack } from '../../protocol/codec.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { isCairnError } from '../../protocol/errors.js'
import { openEvent, signEvent, SIGN_DOMAIN, validateDraft } from '../../protocol/event.js'
import type { Signed } from '../../protocol/event.js'
import { BODY_MAX_DEPTH, BODY_MAX_SIZE } from '../../protocol/limits.js'
import { GOLDEN_SEED } from './drafts.js'

const keyPair = nativeCrypto.keyPair(GOLDEN_SEED)

function schemaError (fn: () => unknown): string {
  try {
    fn()
    return 'accepted'
  } catch (err) {
    return isCairnError(err, 'SCHEMA') ? err.message : `not SCHEMA: ${String(err)}`
  }
}

function nested (levels: number): unknown {
  let v: unknown = 1
  for (let i = 0; i < levels; i++) v = { a: v }
  return v
}

test('a body nested past the limit is SCHEMA naming the limit, at post and on receipt, not a stack overflow', t => {
  t.is(schemaError(() => validateDraft('note', { text: 'x', extra: nested(BODY_MAX_DEPTH - 2) })), 'accepted', 'within the limit')
  for (const levels of [BODY_MAX_DEPTH + 1, 1400, 20_000]) {
    const msg = schemaError(() => signEvent({ type: 'note', body: { text: 'x', extra: nested(levels) } as never }, keyPair, nativeCrypto))
    t.ok(msg.includes(`nested deeper than the limit of ${BODY_MAX_DEPTH} levels`) && msg.startsWith('SCHEMA: note: body.extra.a'), `${levels} levels: ${msg}`)
  }
  // Signed by a peer that skipped the check: refused when opened.
  const payload = pack({ v: 1, type: 'note', author: keyPair.publicKey, ts: 1, refs: [], body: { text: 'x', extra: nested(500) } })
  const signed: Signed = { payload, sig: nativeCrypto.sign(new Uint8Array([...SIGN_DOMAIN, ...payload]), keyPair.secretKey) }
  t.ok(schemaError(() => openEvent(signed, nativeCrypto)).includes('nested deeper'), 'on receipt too')
})

test('a body larger than the limit is SCHEMA naming the limit', t => {
  const many = Array.from({ length: 64 }, () => 'x'.repeat(BODY_MAX_SIZE / 32))
  t.ok(schemaError(() => validateDraft('note', { text: 'x', many })).includes(`larger than the limit of ${BODY_MAX_SIZE} bytes`))
})

test('what could not read back exactly as posted is SCHEMA at post, naming the field', t => {
  const cases: Array<[string, unknown, string]> = [
    ['a __proto__ key', JSON.parse('{"text":"x","__proto__":{"admin":true}}'), 'note: body.__proto__: the key __proto__ does not survive encoding'],
    ['a lone surrogate', { text: 'a\ud800b' }, 'note: body.text: holds a lone UTF-16 surrogate'],
    ['a lone surrogate in a key', { text: 'x', ['k\udc00']: 1 }, 'note: body: a key holds a lone UTF-16 surrogate'],
    ['1e400', JSON.parse('{"text":"x","n":1e400}'), 'note: body.n: Infinity is not a finite number'],
    ['NaN', { text: 'x', n: NaN }, 'note: body.n: NaN is not a finite number'],
    ['-0', { text: 'x', n: -0 }, 'note: body.n: -0 would read back as 0'],
    ['a rounded integer', JSON.parse('{"text":"x","n":12345678901234567890}'), 'note: body.n: 12345678901234567000 is past 2^53'],
    ['bytes', { text: 'x', b: new Uint8Array(2) }, 'note: body.b: is not a plain map'],
    ['a hole in a list', { text: 'x', l: [1, undefined] }, 'note: body.l.1: undefined has no encoding in a list']
  ]
  for (const [what, body, says] of cases) {
    const msg = schemaError(() => signEvent({ type: 'note', body: body as never }, keyPair, nativeCrypto))
    t.ok(msg.startsWith(`SCHEMA: ${says}`), `${what}: ${msg}`)
  }
  t.is(schemaError(() => validateDraft('note', { text: 'emoji 🦀 and 1.5 and -3 and null', x: [null, true, { y: 'z' }] })), 'accepted', 'ordinary values pass')
})
