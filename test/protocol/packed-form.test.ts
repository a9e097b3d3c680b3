import test from 'brittle'
import * as fc from 'fast-check'
import { pack, unpackExact } from '../../protocol/codec.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { readEvent, sealPayload } from '../../protocol/event.js'
import { NOT_PROVEN, packedValueEnd } from '../../protocol/packed-form.js'

// packed-form.ts proves bytes are in pack's form without packing again. The
// oracle is packing again: whenever the proof says yes, the oracle must too
// (the proof may say "not proven" to anything; event.ts then packs again).

/** Whether `bytes` decode to one value that packs back to exactly them; null when they do not decode. */
function oracle (bytes: Uint8Array): boolean | null {
  let value: unknown
  try {
    value = unpackExact(bytes, 'value')
  } catch {
    return null
  }
  return Buffer.compare(pack(value), bytes) === 0
}

const proven = (bytes: Uint8Array): boolean => packedValueEnd(bytes, 0) === bytes.byteLength

/**
 * Values msgpack carries. `plain`: the ones the proof must say yes to (every
 * honest event's); otherwise also what it must turn down: lone surrogates,
 * numeric and __proto__ keys, -0, NaN, integers past 32 bits.
 */
const values = (plain: boolean): fc.Arbitrary<unknown> => fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -0x80000000, max: 0xffffffff }),
    plain ? fc.double({ noNaN: true }).filter((x) => !Object.is(x, -0)) : fc.oneof(fc.double(), fc.maxSafeInteger()),
    fc.string({ unit: plain ? 'grapheme' : 'binary', maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }),
    fc.array(tie('value'), { maxLength: 20 }),
    fc.dictionary(plain
      ? fc.string({ unit: 'grapheme', maxLength: 6 }).filter((k) => !/^[0-9]/.test(k) && k !== '__proto__')
      : fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('1', '01', '__proto__', 'é', 'a', '')), tie('value'), { maxKeys: 20 })
  )
})).value
const plainValue = values(true)
const anyValue = values(false)

test('property: what pack writes of a plain value is proven; nothing proven fails to pack back', (t) => {
  fc.assert(fc.property(plainValue, (v) => {
    const bytes = pack(v)
    if (!proven(bytes)) throw new Error(`not proven: ${Buffer.from(bytes).toString('hex')}`)
  }), { numRuns: 1000 })
  fc.assert(fc.property(anyValue, (v) => {
    const bytes = pack(v)
    if (proven(bytes) && oracle(bytes) !== true) throw new Error(`proven but does not pack back: ${Buffer.from(bytes).toString('hex')}`)
  }), { numRuns: 1000 })
  t.pass('2,000 random values')
})

test('property: bytes a hostile writer changed are proven only where they pack back', (t) => {
  let provenCount = 0
  let decoded = 0
  fc.assert(fc.property(anyValue, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 3 }), (v, edits) => {
    let bytes = Buffer.from(pack(v))
    for (const [at, byte, how] of edits) {
      const i = bytes.byteLength === 0 ? 0 : at % bytes.byteLength
      bytes = how === 'set'
        ? Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i + 1)])
        : how === 'insert' ? Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]) : Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)])
    }
    const truth = oracle(bytes)
    if (truth !== null) decoded++
    if (!proven(bytes)) return
    provenCount++
    if (truth !== true) throw new Error(`proven but ${truth === null ? 'does not decode' : 'does not pack back'}: ${bytes.toString('hex')}`)
  }), { numRuns: 3000 })
  t.ok(decoded > 500 && provenCount > 100, `${decoded} of 3,000 changed values decode, ${provenCount} proven, each packs back`)
})

test('each way to write a value other than pack does is not proven, and the oracle agrees', (t) => {
  const fixstr = (s: string): Buffer => Buffer.from([0xa0 | s.length, ...Buffer.from(s)])
  const others: Array<[string, string]> = [
    ['"a" as str8', 'd90161'],
    ['"a" as str16', 'da000161'],
    ['5 as uint8', 'cc05'],
    ['5 as uint16', 'cd0005'],
    ['200 as uint16', 'cd00c8'],
    ['300 as uint32', 'ce0000012c'],
    ['-1 as int8', 'd0ff'],
    ['-100 as int16', 'd1ff9c'],
    ['-1000 as int32', 'd2fffffc18'],
    ['1.0 as float64', 'cb3ff0000000000000'],
    ['-0 as float64', 'cb8000000000000000'],
    ['1.5 as float32', 'ca3fc00000'],
    ['5 as uint64', 'cf0000000000000005'],
    ['3 bytes as bin16', 'c50003010203'],
    ['a list of 1 as array16', 'dc000101'],
    ['a map of 1 as map16', 'de0001' + fixstr('a').toString('hex') + '01'],
    ['a repeated key', '82' + fixstr('a').toString('hex') + '01' + fixstr('a').toString('hex') + '02'],
    ['a number as key', '81' + '01' + '02'],
    ['a numeric string key after another', '82' + fixstr('b').toString('hex') + '01' + fixstr('1').toString('hex') + '02'],
    ['a key "5" after an empty one', '82a0' + '35' + fixstr('5').toString('hex') + '01'],
    ['a __proto__ key', '81' + fixstr('__proto__').toString('hex') + '80'],
    ['invalid UTF-8', 'a2c328'],
    ['a surrogate as three bytes', 'a3eda080'],
    ['an overlong "/"', 'a2c0af'],
    ['nil then trailing bytes', 'c0c0']
  ]
  for (const [what, hex] of others) {
    const bytes = Buffer.from(hex, 'hex')
    t.absent(proven(bytes), `${what}: not proven`)
    t.not(oracle(bytes), true, `${what}: does not pack back either`)
  }
  const theSame: Array<[string, unknown]> = [['1.5', 1.5], ['2^40', 2 ** 40], ['-2^40', -(2 ** 40)], ['Infinity', Infinity], ['70,000', 70_000], ['-70,000', -70_000], ['-33', -33], ['a 40-byte string', 'x'.repeat(40)], ['an empty key before a value that reads as a digit', { '': 53 }], ['"1" alone as key', { 1: 2 }]]
  for (const [what, value] of theSame.slice(0, -1)) t.ok(proven(pack(value)), `${what}: proven`)
  // Not proven, though they pack back: event.ts packs these again.
  for (const [what, bytes] of [['a numeric key alone', pack({ 1: 2 })], ['NaN', Buffer.from('cb7ff8000000000000', 'hex')], ['an ext (undefined)', Buffer.from('d40000', 'hex')]] as const) {
    t.absent(proven(bytes), `${what}: not proven`)
    t.is(oracle(bytes), true, `${what}: packs back`)
  }
})

test('readEvent finds the body where it is proven and where it packs again, and says the same', (t) => {
  const { publicKey: author, secretKey } = nativeCrypto.keyPair()
  const draft = (body: unknown): Record<string, unknown> => ({ v: 1, type: 'note', author, ts: 1_700_000_000_000, refs: [], body })
  // The second body needs packing again (a numeric key) yet reads back.
  for (const body of [{ text: 'plain' }, { text: 'numeric key', 7: 'x' }]) {
    const payload = pack(draft(body))
    const { bodyStart } = readEvent(sealPayload(payload, secretKey, nativeCrypto), nativeCrypto, true)
    t.is(bodyStart, payload.byteLength - pack(body).byteLength, `${JSON.stringify(body)}: body at ${String(bodyStart)}`)
  }
  t.ok(proven(pack(draft({ text: 'plain' }))), 'the plain one was proven')
})
