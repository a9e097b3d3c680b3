import test from 'brittle'
import { createHash } from 'node:crypto'
import {
  BUILD_SCHEME,
  TEST_RUN_SCHEME,
  buildIdentity,
  testRunIdentity,
  type BuildIdentityInput,
  type TestRunIdentityInput
} from '../../protocol/build-identity.js'
import { nixBase32 } from '../../protocol/canonical.js'

const TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'
const NAR = '0sjjj9z1dhilhpc8pq4154czrb79z9cm044jvn75kxcjv6v5l2m5'

const BUILD: BuildIdentityInput = {
  source: { tree: TREE, nar: NAR },
  recipe: { kind: 'kbuild', config: 'defconfig', targets: ['bzImage', 'modules'], jobs: 8 },
  environment: { arch: 'x86_64', cc: 'gcc 13.2.0', binutils: '2.41' }
}

// Pinned. Each id was also checked by hand:
//   printf '%s' PREIMAGE | sha256sum  ->  nix-hash --type sha256 --to-base32 HEX
const BUILD_PREIMAGE = '{"environment":{"arch":"x86_64","binutils":"2.41","cc":"gcc 13.2.0"},' +
  '"recipe":{"config":"defconfig","jobs":8,"kind":"kbuild","targets":["bzImage","modules"]},' +
  `"scheme":"cairn/build/v1","source":{"nar":"${NAR}","tree":"${TREE}"}}`
const BUILD_ID = '0pk33nxdq227wr8ingp34qk3av5aivly31jpb38n38sx405i9s72'
const BUILD_NO_NAR_ID = '1gxqvzc2v2v9rdxzx59rx5jgi9v3313vqvsjaqd25v2adlbgfj0c' // recipe 'make', environment null

const RUN: TestRunIdentityInput = {
  build: BUILD_ID,
  profile: { suite: 'kselftest', tests: ['net', 'bpf'], timeout: 3600 },
  runnerClass: 'x86_64-kvm-4cpu'
}
const RUN_PREIMAGE = `{"build":"${BUILD_ID}","profile":{"suite":"kselftest","tests":["net","bpf"],"timeout":3600},` +
  '"runnerClass":"x86_64-kvm-4cpu","scheme":"cairn/test-run/v1"}'
const RUN_ID = '00pis8sjhpsgyb8c7ybbd5c19bgzdkihkqns7vadhxfp7lwharhl'
const RUN_DRV_ID = '091kv0q80wh0n8af49vnh6qsn7cjqr6s0cxhxhmlq4wvlfkzrdm4'

test('build identity: pinned id and documented preimage', t => {
  const b = buildIdentity(BUILD)
  t.is(b.preimage.toString('utf8'), BUILD_PREIMAGE, 'preimage')
  t.is(b.id, BUILD_ID, 'id')
  t.is(b.id.length, 52, 'full sha256 in nix-base32')
  t.is(b.id, nixBase32(createHash('sha256').update(b.preimage).digest()), 'id = nixBase32(sha256(preimage))')
  t.ok(b.preimage.toString().includes(`"scheme":"${BUILD_SCHEME}"`), 'carries the version tag')
  t.is(buildIdentity({ source: { tree: TREE }, recipe: 'make', environment: null }).id, BUILD_NO_NAR_ID, 'without nar')
})

test('test-run identity: pinned id and documented preimage', t => {
  const r = testRunIdentity(RUN)
  t.is(r.preimage.toString('utf8'), RUN_PREIMAGE, 'preimage')
  t.is(r.id, RUN_ID, 'id')
  t.ok(r.preimage.toString().includes(`"scheme":"${TEST_RUN_SCHEME}"`), 'carries the version tag')
  const drv = testRunIdentity({ build: '/nix/store/bikc4fwcfi5lvvmxmsniwpr96an8kw5l-foo.drv', profile: 'smoke', runnerClass: 'x86_64-kvm-4cpu' })
  t.is(drv.id, RUN_DRV_ID, 'a derivation store path as the build')
})

test('stable across key order, Unicode normalisation and hex case', t => {
  const reordered: BuildIdentityInput = {
    environment: { cc: 'gcc 13.2.0', binutils: '2.41', arch: 'x86_64' },
    recipe: { jobs: 8, targets: ['bzImage', 'modules'], config: 'defconfig', kind: 'kbuild' },
    source: { nar: NAR, tree: TREE.toUpperCase() }
  }
  t.is(buildIdentity(reordered).id, BUILD_ID, 'key order and tree hex case')
  const nfc = buildIdentity({ source: { tree: TREE }, recipe: { note: 'caf\u00e9' }, environment: { 'na\u00efve': 1 } })
  const nfd = buildIdentity({ source: { tree: TREE }, recipe: { note: 'cafe\u0301' }, environment: { 'nai\u0308ve': 1 } })
  t.is(nfd.id, nfc.id, 'NFC and NFD inputs agree')
  t.is(testRunIdentity({ runnerClass: RUN.runnerClass, profile: { timeout: 3600, tests: ['net', 'bpf'], suite: 'kselftest' }, build: RUN.build }).id, RUN_ID)
  t.is(buildIdentity({ ...BUILD, source: { tree: TREE, nar: NAR }, recipe: BUILD.recipe }).id, BUILD_ID, 'fresh objects, same id')
})

test('build identity changes when any input changes', t => {
  const base = buildIdentity(BUILD).id
  const variants: Array<[string, BuildIdentityInput]> = [
    ['tree', { ...BUILD, source: { tree: 'f'.repeat(40), nar: NAR } }],
    ['sha256 git tree', { ...BUILD, source: { tree: TREE + '0'.repeat(24), nar: NAR } }],
    ['nar', { ...BUILD, source: { tree: TREE, nar: '1' + NAR.slice(1) } }],
    ['no nar', { ...BUILD, source: { tree: TREE } }],
    ['recipe value', { ...BUILD, recipe: { kind: 'kbuild', config: 'allmodconfig', targets: ['bzImage', 'modules'], jobs: 8 } }],
    ['recipe array order', { ...BUILD, recipe: { kind: 'kbuild', config: 'defconfig', targets: ['modules', 'bzImage'], jobs: 8 } }],
    ['recipe integer', { ...BUILD, recipe: { kind: 'kbuild', config: 'defconfig', targets: ['bzImage', 'modules'], jobs: 9 } }],
    ['recipe extra field', { ...BUILD, recipe: { kind: 'kbuild', config: 'defconfig', targets: ['bzImage', 'modules'], jobs: 8, W: 1 } }],
    ['environment', { ...BUILD, environment: { arch: 'x86_64', cc: 'gcc 13.2.1', binutils: '2.41' } }],
    ['environment type', { ...BUILD, environment: { arch: 'x86_64', cc: 'gcc 13.2.0', binutils: 2 } }],
    ['recipe <-> environment swapped', { ...BUILD, recipe: BUILD.environment, environment: BUILD.recipe }]
  ]
  const seen = new Set([base])
  for (const [what, input] of variants) {
    const id = buildIdentity(input).id
    t.not(id, base, what)
    seen.add(id)
  }
  t.is(seen.size, variants.length + 1, 'all distinct')
})

test('test-run identity changes when any input changes; kinds never collide', t => {
  const base = testRunIdentity(RUN).id
  const variants: Array<[string, TestRunIdentityInput]> = [
    ['build', { ...RUN, build: BUILD_NO_NAR_ID }],
    ['build as store path', { ...RUN, build: `/nix/store/${'0'.repeat(32)}-linux.drv` }],
    ['profile', { ...RUN, profile: { suite: 'kselftest', tests: ['net'], timeout: 3600 } }],
    ['profile as string', { ...RUN, profile: 'kselftest' }],
    ['runner class', { ...RUN, runnerClass: 'aarch64-kvm-4cpu' }],
    ['runner class structured', { ...RUN, runnerClass: { arch: 'x86_64', cpus: 4 } }]
  ]
  for (const [what, input] of variants) t.not(testRunIdentity(input).id, base, what)
  t.not(testRunIdentity(RUN).id, buildIdentity(BUILD).id)
})

test('bad input is rejected with BUILD_IDENTITY naming the field', t => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['short tree', () => buildIdentity({ ...BUILD, source: { tree: 'abc' } }), /BUILD_IDENTITY: source\.tree "abc"/],
    ['non-hex tree', () => buildIdentity({ ...BUILD, source: { tree: 'g'.repeat(40) } }), /source\.tree/],
    ['bad nar', () => buildIdentity({ ...BUILD, source: { tree: TREE, nar: 'e'.repeat(52) } }), /source\.nar/],
    ['hex nar', () => buildIdentity({ ...BUILD, source: { tree: TREE, nar: 'a'.repeat(64) } }), /source\.nar/],
    ['missing recipe', () => buildIdentity({ source: { tree: TREE }, environment: null } as unknown as BuildIdentityInput), /recipe .*missing/],
    ['float in recipe', () => buildIdentity({ ...BUILD, recipe: { jobs: 1.5 } }), /CANONICAL: .*\$\.recipe\.jobs/],
    ['bad build', () => testRunIdentity({ ...RUN, build: 'not-an-id' }), /BUILD_IDENTITY: build "not-an-id"/],
    ['store path with a bad name', () => testRunIdentity({ ...RUN, build: `/nix/store/${'0'.repeat(32)}-a b` }), /build/],
    ['missing profile', () => testRunIdentity({ build: BUILD_ID, runnerClass: 'x' } as unknown as TestRunIdentityInput), /profile .*missing/]
  ]
  for (const [what, fn, re] of cases) t.exception(fn, re, what)
})
