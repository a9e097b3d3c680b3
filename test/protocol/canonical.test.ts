import test from 'brittle'
import * as fc from 'fast-check'
import { createHash } from 'node:crypto'
import { canonicalEncode, canonicalHash, nixBase32, type CanonicalValue } from '../../protocol/canonical.js'
import { isCairnError } from '../../protocol/errors.js'

// One value touching every rule: key order by UTF-8 bytes (the last two keys
// are in the opposite order under JS's UTF-16 sort), NFC, escapes (DEL and '/'
// stay raw), bytes, bigint, -0, and an undefined property that is left out.
const GOLDEN_VALUE = {
  z: [1, -2, 0, true, false, null],
  a: 'cafe\u0301',
  '\u00e9': { n: 9007199254740991, b: new Uint8Array([0, 255]) },
  s: 'q"\\\n\t\u0001\u007f/',
  big: 5n,
  '\u{1F600}': 1,
  '\uFF5E': 2,
  undef: undefined,
  neg: -0
}
const GOLDEN_TEXT = '{"a":"caf\u00e9","big":5,"neg":0,"s":"q\\"\\\\\\n\\t\\u0001\u007f/","z":[1,-2,0,true,false,null],' +
  '"\u00e9":{"b":{"$bytes":"00ff"},"n":9007199254740991},"\uFF5E":2,"\u{1F600}":1}'
const GOLDEN_HEX = '7b2261223a22636166c3a9222c22626967223a352c226e6567223a302c2273223a22715c225c5c5c6e5c745c75303030317f2f22' +
  '2c227a223a5b312c2d322c302c747275652c66616c73652c6e756c6c5d2c22c3a9223a7b2262223a7b22246279746573223a2230306666227d2c' +
  '226e223a393030373139393235343734303939317d2c22efbd9e223a322c22f09f9880223a317d'
// `xxd -r -p <<< GOLDEN_HEX | sha256sum`, then `nix-hash --type sha256 --to-base32` of it.
const GOLDEN_SHA256 = '14f2781d5e4d4f885d3ff4de12c9587eda659c5ab194496ecb6d4f24a6745de8'
const GOLDEN_BASE32 = '1s2xfjk28kvdrdp4k55ibaf6bnkyb34i5ppl7xfqhksdbqfpiwhl'

test('golden bytes, hash and nix-base32 for one value', t => {
  const b = canonicalEncode(GOLDEN_VALUE)
  t.is(b.toString('hex'), GOLDEN_HEX, 'bytes')
  t.is(b.toString('utf8'), GOLDEN_TEXT, 'as text')
  t.is(canonicalHash(GOLDEN_VALUE).toString('hex'), GOLDEN_SHA256, 'sha256')
  t.is(nixBase32(canonicalHash(GOLDEN_VALUE)), GOLDEN_BASE32, 'nix-base32')
  t.is(canonicalHash(GOLDEN_VALUE).toString('hex'), createHash('sha256').update(b).digest('hex'), 'hash is sha256 of the bytes')
  t.alike(JSON.parse(b.toString('utf8')), JSON.parse(GOLDEN_TEXT), 'is valid JSON')
})

test('key order does not matter, at any depth', t => {
  const a = { x: 1, y: { p: [1, { m: 1, n: 2 }], q: 'q' }, z: null }
  const b = { z: null, y: { q: 'q', p: [1, { n: 2, m: 1 }] }, x: 1 }
  t.ok(canonicalEncode(a).equals(canonicalEncode(b)))
  const nullProto = Object.assign(Object.create(null) as Record<string, CanonicalValue>, { z: null, x: 1, y: b.y })
  t.ok(canonicalEncode(nullProto).equals(canonicalEncode(a)), 'null-prototype objects are plain objects')
  t.not(canonicalEncode([1, 2]).toString(), canonicalEncode([2, 1]).toString(), 'array order does matter')
})

test('strings and keys are NFC-normalised', t => {
  t.ok(canonicalEncode('cafe\u0301').equals(canonicalEncode('caf\u00e9')), 'value')
  t.ok(canonicalEncode({ 'cafe\u0301': 1 }).equals(canonicalEncode({ 'caf\u00e9': 1 })), 'key')
  t.ok(canonicalEncode('\u1100\u1161').equals(canonicalEncode('\uac00')), 'Hangul jamo compose')
  t.is(canonicalEncode('\u212b').toString(), '"\u00c5"', 'singleton decomposition (angstrom sign) folds to A-ring')
  t.not(canonicalEncode('\ufb01').toString(), canonicalEncode('fi').toString(), 'NFC, not NFKC: the fi ligature stays')
  t.exception(() => canonicalEncode({ 'cafe\u0301': 1, 'caf\u00e9': 2 }), /CANONICAL: .*equal after NFC/, 'keys colliding after NFC')
})

test('only safe integers: floats, NaN, Infinity and big bigints are rejected', t => {
  for (const v of [1.5, -0.1, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 1e21, 2n ** 53n, -(2n ** 53n)]) {
    t.exception(() => canonicalEncode({ k: [v] }), /CANONICAL: .*\$\.k\[0\]/, `rejects ${String(v)} and names where`)
  }
  t.is(canonicalEncode(Number.MAX_SAFE_INTEGER).toString(), '9007199254740991')
  t.is(canonicalEncode(Number.MIN_SAFE_INTEGER).toString(), '-9007199254740991')
  t.is(canonicalEncode(-0).toString(), '0', '-0 is 0')
  t.ok(canonicalEncode(42n).equals(canonicalEncode(42)), 'bigint in range is the number')
  try {
    canonicalEncode(0.5)
  } catch (err) { t.ok(isCairnError(err, 'CANONICAL'), 'CairnError with code CANONICAL') }
})

test('unsupported values are rejected with CANONICAL naming the path', t => {
  class Thing { x = 1 }
  const cyclic: Record<string, unknown> = {}
  cyclic.self = cyclic
  const cases: Array<[string, unknown, RegExp]> = [
    ['undefined', undefined, /undefined/],
    ['function', { f: () => 1 }, /\$\.f: a function/],
    ['symbol', { s: Symbol('x') }, /a symbol/],
    ['symbol key', { [Symbol('k')]: 1 }, /symbol keys/],
    ['Date', { d: new Date(0) }, /\$\.d: only plain objects.*Date/],
    ['Map', new Map(), /Map/],
    ['class instance', { c: new Thing() }, /Thing/],
    ['undefined in array', [1, undefined], /\$\[1\]/],
    ['sparse array', [1, , 3], /\$\[1\]/], // eslint-disable-line no-sparse-arrays
    ['cycle', cyclic, /cycle/],
    ['lone surrogate', { s: 'a\ud800b' }, /\$\.s: .*surrogate/],
    ['lone surrogate key', { ['\udc00']: 1 }, /surrogate/],
    ['reserved $bytes object', { b: { $bytes: '00' } }, /\$\.b: .*reserved/],
    ['other typed array', new Uint16Array(2), /Uint16Array/],
    ['ArrayBuffer', new ArrayBuffer(2), /ArrayBuffer/]
  ]
  for (const [what, v, re] of cases) {
    t.exception(() => canonicalEncode(v as CanonicalValue), re, what)
  }
  t.execution(() => canonicalEncode({ $bytes: '00', other: 1 }), '$bytes next to other keys is an ordinary object')
  t.execution(() => canonicalEncode({ a: 'ok \ud83d\ude00' }), 'a surrogate pair is fine')
})

test('undefined properties are left out; bytes are distinct from strings and arrays', t => {
  t.ok(canonicalEncode({ a: 1, b: undefined }).equals(canonicalEncode({ a: 1 })), 'undefined property == absent')
  t.not(canonicalEncode({ a: null }).toString(), canonicalEncode({}).toString(), 'null is a value')
  const bytes = new Uint8Array([1, 2, 255])
  t.ok(canonicalEncode(bytes).equals(canonicalEncode(Buffer.from([1, 2, 255]))), 'Buffer == Uint8Array')
  t.ok(canonicalEncode(new Uint8Array(new Uint8Array([9, 1, 2, 255]).buffer, 1, 3)).equals(canonicalEncode(bytes)), 'views respect their offset')
  t.not(canonicalEncode(bytes).toString(), canonicalEncode('0102ff').toString(), 'not the hex string')
  t.not(canonicalEncode(bytes).toString(), canonicalEncode([1, 2, 255]).toString(), 'not the number array')
  t.is(canonicalEncode(new Uint8Array(0)).toString(), '{"$bytes":""}')
})

// Reference: plain JSON with keys sorted by their UTF-8 bytes after NFC.
// For well-formed strings JSON.stringify escapes exactly as RFC 8785 does.
function reference (v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.normalize('NFC'))
  if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).map(([k, x]) => [k.normalize('NFC'), x] as const)
    entries.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])))
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${reference(x)}`).join(',')}}`
  }
  return JSON.stringify(v)
}

const jsonish = fc.letrec(tie => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string({ unit: 'grapheme' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }).map(s => s.normalize('NFC')), tie('value'), { maxKeys: 5 })
  )
})).value

test('property: equals sorted-key JSON for JSON values; key order independent', t => {
  fc.assert(fc.property(jsonish, v => {
    const b = canonicalEncode(v as CanonicalValue)
    if (b.toString('utf8') !== reference(v)) throw new Error(`mismatch for ${reference(v)}`)
    const reversed = JSON.parse(JSON.stringify(v), (_k, x: unknown) =>
      x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x)
    if (!canonicalEncode(reversed as CanonicalValue).equals(b)) throw new Error('key order changed the bytes')
  }), { numRuns: 500 })
  t.pass('500 random values')
})
