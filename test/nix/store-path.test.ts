// Store paths and nix-base32 against Nix (nix-store --print-fixed-path,
// nix-hash --to-base32) when installed, and against vectors pinned from
// Nix 2.8.0 so the test still checks something without it.
import test from 'brittle'
import { createHash, randomBytes } from 'node:crypto'
import { checkStorePathName, fixedOutputPath, makeStorePath } from '../../nix/store-path.js'
import { isNixBase32, nixBase32, nixBase32Decode, nixBase32Encode } from '../../nix/base32.js'
import { hasNix, nix, nixVersion, NO_NIX } from '../helpers/nix.js'

test('nix tools', t => {
  if (hasNix) t.pass(`comparing with ${nixVersion}`)
  else t.pass(NO_NIX)
})

/** `nix-store --print-fixed-path`, optionally for another store dir. */
function nixFixedPath (hash: string, name: string, recursive: boolean, storeDir?: string): string {
  const store = storeDir === undefined ? 'dummy://' : `dummy://?store=${storeDir}`
  return nix('nix-store', ['--store', store, '--print-fixed-path', ...(recursive ? ['--recursive'] : []), 'sha256', hash, name]).toString().trim()
}

// ---- nix-base32 ------------------------------------------------------------

// [hex, nix-base32], printed by `nix-hash --type <algo> --to-base32 HEX` (Nix 2.8.0).
const BASE32_VECTORS: Array<[string, string]> = [
  ['0000000000000000000000000000000000000000000000000000000000000000', '0000000000000000000000000000000000000000000000000000'],
  ['ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', '1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'],
  ['0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20', '080z3qfiq6qs34c1f5hm2h9i448h1w70s30b184hh1q60l2060h1'],
  ['0102030405060708090a0b0c0d0e0f1011121314', '2h9i448h1w70s30b184hh1q60l2060h1'], // sha1, 20 bytes
  ['0102030405060708090a0b0c0d0e0f10', '0h1w70s30b184hh1q60l2060h1'], // md5, 16 bytes
  ['00'.repeat(63) + '01', '00h' + '0'.repeat(100)], // sha512, 64 bytes
  // sha256 of the empty string
  ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', '0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73']
]

test('nix-base32 pinned vectors, both ways', t => {
  for (const [hex, b32] of BASE32_VECTORS) {
    t.is(nixBase32(Buffer.from(hex, 'hex')), b32, `encode ${hex.slice(0, 16)}… (${hex.length / 2} bytes)`)
    t.is(nixBase32Decode(b32).toString('hex'), hex, `decode ${b32.slice(0, 16)}…`)
  }
  t.is(nixBase32Encode, nixBase32, 'nixBase32Encode is an alias')
})

test('nix-base32 agrees with nix-hash --to-base32 on random hashes', { skip: !hasNix }, t => {
  for (const [algo, size] of [['sha256', 32], ['sha1', 20], ['sha512', 64], ['md5', 16]] as const) {
    for (let i = 0; i < 5; i++) {
      const b = randomBytes(size)
      t.is(nixBase32(b), nix('nix-hash', ['--type', algo, '--to-base32', b.toString('hex')]).toString().trim(), `${algo} ${b.toString('hex')}`)
    }
  }
})

test('nix-base32 round-trips and rejects what Nix rejects', t => {
  for (let i = 0; i < 200; i++) {
    const b = randomBytes(i % 70)
    t.ok(nixBase32Decode(nixBase32(b)).equals(b), `round trip of ${b.length} bytes`)
  }
  t.exception(() => nixBase32Decode('z'.repeat(52)), /NIX_BASE32: .*padding/, 'non-zero padding bits (nix: invalid base-32 hash)')
  t.exception(() => nixBase32Decode('2' + 'z'.repeat(51)), /NIX_BASE32/, 'top digit too large')
  t.exception(() => nixBase32Decode('e' + '0'.repeat(51)), /NIX_BASE32: .*"e"/, 'e is not in the alphabet')
  t.exception(() => nixBase32Decode('0'.repeat(51)), /NIX_BASE32: .*length/, '51 chars is no byte length')
  t.ok(isNixBase32('1' + 'z'.repeat(51), 32))
  t.absent(isNixBase32('1' + 'z'.repeat(31), 32), 'wrong size')
  t.absent(isNixBase32('0'.repeat(51) + 'u', 32), 'u is not in the alphabet')
})

// ---- store paths -----------------------------------------------------------

const NAR_HASH = '0nz15wqzj0h3zvv0sgfav5gh0f2dxzjy2rgl5zc3xagnlxnxv02b'
const NAR_HASH_HEX = '4b80dd6da7f6a93ed82ff465e1e5ef4d38005fd9ca3d0df6fe0302f9312fe15b'

// Printed by `nix-store --store dummy://[?store=DIR] --print-fixed-path [--recursive] sha256 HASH NAME` (Nix 2.8.0).
const PATH_VECTORS: Array<{ name: string, recursive: boolean, storeDir?: string, path: string }> = [
  { name: 'foo', recursive: true, path: '/nix/store/bikc4fwcfi5lvvmxmsniwpr96an8kw5l-foo' },
  { name: 'foo', recursive: true, storeDir: '/gnu/store', path: '/gnu/store/1q7fkk769kwkxjfd52lgxsmfsq234snk-foo' },
  { name: 'foo', recursive: false, path: '/nix/store/gp1lgm5spfy0kzln36fnqvf4171cb963-foo' },
  { name: 'a?=+_.-', recursive: true, path: '/nix/store/m9n8b4ym9rgms7jiwx378lm7q5ay794p-a?=+_.-' },
  { name: '.foo', recursive: true, path: '/nix/store/1a3xjnsqqnzq9amya1x5a6z61ags6m6r-.foo' },
  { name: 'x'.repeat(211), recursive: true, path: '/nix/store/7rjl1fxiinq584ybvkpikd6pq527nxwg-' + 'x'.repeat(211) }
]

test('fixed-output store paths: pinned vectors (hash as base32, hex and bytes)', t => {
  for (const v of PATH_VECTORS) {
    const opts = { name: v.name, recursive: v.recursive, ...(v.storeDir === undefined ? {} : { storeDir: v.storeDir }) }
    t.is(fixedOutputPath({ ...opts, sha256: NAR_HASH }), v.path, v.path)
    t.is(fixedOutputPath({ ...opts, sha256: NAR_HASH_HEX }), v.path, 'same from hex')
    t.is(fixedOutputPath({ ...opts, sha256: Buffer.from(NAR_HASH_HEX, 'hex') }), v.path, 'same from bytes')
  }
  t.is(fixedOutputPath({ name: 'foo', sha256: NAR_HASH }), PATH_VECTORS[0]?.path, 'recursive is the default')
})

test('fixed-output store paths agree with nix-store --print-fixed-path', { skip: !hasNix }, t => {
  const names = ['hello-2.12.1', 'source', 'x', 'A_b.c+d?e=f', '0', '..foo', 'z'.repeat(211)]
  for (const name of names) {
    for (const recursive of [true, false]) {
      const h = randomBytes(32)
      const b32 = nixBase32(h)
      t.is(fixedOutputPath({ name, sha256: h, recursive }), nixFixedPath(b32, name, recursive), `${recursive ? 'recursive' : 'flat'} ${name.slice(0, 20)}`)
    }
  }
  const h = randomBytes(32)
  t.is(fixedOutputPath({ name: 'other', sha256: h, storeDir: '/opt/store' }), nixFixedPath(nixBase32(h), 'other', true, '/opt/store'), 'another store dir')
})

test('makeStorePath is the primitive under fixedOutputPath', t => {
  const inner = createHash('sha256').update(`fixed:out:sha256:${NAR_HASH_HEX}:`).digest()
  t.is(makeStorePath('output:out', inner, 'foo'), '/nix/store/gp1lgm5spfy0kzln36fnqvf4171cb963-foo')
  t.is(makeStorePath('source', NAR_HASH, 'foo'), '/nix/store/bikc4fwcfi5lvvmxmsniwpr96an8kw5l-foo')
})

test('store path names are validated as Nix does (STORE_PATH_NAME)', t => {
  const bad = ['', 'a b', 'a/b', 'caf\u00e9', 'a@b', 'a:b', 'new\nline', '.', '..', '.-x', '..-x', 'x'.repeat(212)]
  for (const name of bad) {
    t.exception(() => checkStorePathName(name), /STORE_PATH_NAME/, `rejects ${JSON.stringify(name.slice(0, 20))}`)
    t.exception(() => fixedOutputPath({ name, sha256: NAR_HASH }), /STORE_PATH_NAME/, 'fixedOutputPath too')
  }
  for (const name of ['a', '.foo', '..foo', '.x-y', 'a-.', '-', '--x', 'a?=+_.-', 'x'.repeat(211)]) {
    t.execution(() => { checkStorePathName(name) }, `accepts ${JSON.stringify(name.slice(0, 20))}`)
  }
  t.exception(() => checkStorePathName('a b'), /"a b" contains " "/, 'says which character')
})

test('bad hashes and store dirs are rejected', t => {
  t.exception(() => fixedOutputPath({ name: 'x', sha256: 'abc' }), /HASH/)
  t.exception(() => fixedOutputPath({ name: 'x', sha256: new Uint8Array(20) }), /HASH: .*20 bytes/)
  t.exception(() => fixedOutputPath({ name: 'x', sha256: NAR_HASH, storeDir: 'nix/store' }), /STORE_DIR/)
  t.exception(() => fixedOutputPath({ name: 'x', sha256: NAR_HASH, storeDir: '/nix/store/' }), /STORE_DIR/)
})
