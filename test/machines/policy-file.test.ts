import test from 'brittle'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isCairnError } from '../../protocol/errors.js'
import { loadPolicy, parsePolicy, policyHash, withMaintainers } from '../../machines/policy-file.js'
import { repoRoot } from '../helpers/paths.js'
import { SMALLEST_POLICY } from './fixtures.js'

test('parsePolicy() the smallest policy, with every default filled in', t => {
  t.alike(parsePolicy(SMALLEST_POLICY), {
    reviews: { required: 2, role: 'reviewer', trailers: ['Reviewed-by'] },
    tests: { required: ['quick'] },
    veto: ['Nacked-by'],
    paths: [],
    maintainers: null,
    reset: { onNewRevision: true, keepIfPatchesUnchanged: true },
    selection: [],
    autoSubmit: false
  })
})

test('parsePolicy() the full format', t => {
  const p = parsePolicy(`
reviews:
  required: 2
  role: reviewer
  trailers: [Reviewed-by, Acked-by]
tests: { required: [quick] }
veto: [Nacked-by]
paths:
  - match: 'fs/xfs/**'
    reviews: { required: 1, role: maintainer }
    tests: { required: [xfs-quick] }
  - match: Documentation/
    tests: { required: [htmldocs] }
maintainers: MAINTAINERS
reset: { onNewRevision: true, keepIfPatchesUnchanged: false }
selection:
  - match: 'fs/**'
    profiles: [fstests-quick]
autoSubmit: true
`)
  t.alike(p.paths, [
    { match: 'fs/xfs/**', reviews: { required: 1, role: 'maintainer' }, tests: { required: ['xfs-quick'] } },
    { match: 'Documentation/', reviews: null, tests: { required: ['htmldocs'] } }
  ])
  t.alike(p.reviews.trailers, ['Reviewed-by', 'Acked-by'])
  t.alike(p.maintainers, { file: 'MAINTAINERS', digest: null, parsed: null })
  t.is(p.reset.keepIfPatchesUnchanged, false)
  t.is(p.autoSubmit, true)
})

const BAD: Array<[string, string, string]> = [
  ['an unknown key', 'reviews: { required: 2, role: reviewer }\ntests: { required: [quick] }\nreviews2: 1\n', 'policy.yaml line 3: unknown key "reviews2" (expected one of reviews, tests, veto, paths, maintainers, reset, selection, autoSubmit, metrics)'],
  ['required 1.5', 'veto: [Nacked-by]\ntests: { required: [quick] }\nreviews: { required: 1.5, role: reviewer }\n', 'policy.yaml line 3: reviews.required must be a non-negative integer'],
  ['required "2"', 'veto: [Nacked-by]\ntests: { required: [quick] }\nreviews:\n  role: reviewer\n  required: "2"\n', 'policy.yaml line 5: reviews.required must be a non-negative integer'],
  ['a negative count', 'reviews: { required: -1 }\ntests: { required: [quick] }\nveto: [Nacked-by]\n', 'policy.yaml line 1: reviews.required must be a non-negative integer'],
  ['an unknown role', 'reviews: { required: 1, role: boss }\ntests: { required: [quick] }\nveto: [Nacked-by]\n', 'policy.yaml line 1: reviews.role must be reviewer or maintainer'],
  ['a missing veto', 'reviews: { required: 1 }\ntests: { required: [quick] }\n', 'policy.yaml line 1: veto is missing (the smallest policy has reviews, tests and veto)'],
  ['tests as a list', 'reviews: { required: 1 }\ntests: [quick]\nveto: [Nacked-by]\n', 'policy.yaml line 2: tests must be a mapping'],
  ['a bad profile name', 'reviews: { required: 1 }\ntests: { required: [quick, "no spaces"] }\nveto: [Nacked-by]\n', 'policy.yaml line 2: tests.required[1] must be a test profile (letters, digits and ._+-)'],
  ['a path rule without rules', 'reviews: { required: 1 }\ntests: { required: [] }\nveto: []\npaths:\n  - match: fs/\n', 'policy.yaml line 5: paths[0] needs reviews or tests'],
  ['a bad path count', 'reviews: { required: 1 }\ntests: { required: [] }\nveto: []\npaths:\n  - match: fs/\n    reviews:\n      required: many\n', 'policy.yaml line 7: paths[0].reviews.required must be a non-negative integer'],
  ['an absolute glob', "reviews: { required: 1 }\ntests: { required: [] }\nveto: []\nselection:\n  - { match: '/fs/**', profiles: [q] }\n", 'policy.yaml line 5: selection[0].match must be relative to the repository root (no leading /)'],
  ['autoSubmit yes-ish', 'reviews: { required: 1 }\ntests: { required: [] }\nveto: []\nautoSubmit: "yes"\n', 'policy.yaml line 4: autoSubmit must be true or false'],
  ['broken YAML', 'reviews: { required: 1\ntests: { required: [] }\nveto: []\n', 'policy.yaml line 2: Flow map in block collection must be sufficiently indented and end with a }'],
  ['a duplicate key', 'reviews: { required: 1 }\ntests: { required: [] }\nveto: []\nveto: [Nacked-by]\n', 'policy.yaml line 4: Map keys must be unique'],
  ['an empty file', '', 'policy.yaml line 1: the policy must be a mapping with reviews, tests and veto'],
  ['a glob starting with * (an alias in YAML)', 'reviews: { required: 1 }\ntests: { required: [] }\nveto: []\npaths:\n  - match: *.c\n    tests: { required: [q] }\n', 'policy.yaml line 5:']
]

test('parsePolicy() malformed policies: CairnError POLICY with the line and what is wrong', async t => {
  for (const [what, text, message] of BAD) {
    try {
      parsePolicy(text)
      t.fail(`${what}: accepted`)
    } catch (err) {
      t.ok(isCairnError(err, 'POLICY'), `${what}: code POLICY`)
      const got = (err as Error).message
      t.ok(got.startsWith(`POLICY: ${message}`), `${what}: ${got}`)
    }
  }
})

test('loadPolicy() keeps the previous policy when the new text is malformed', t => {
  const first = loadPolicy(SMALLEST_POLICY)
  t.absent(first.error)
  t.ok(first.policy)
  const bad = loadPolicy('reviews: { required: x }\ntests: { required: [] }\nveto: []\n', first.policy, { file: '.cairn/policy.yaml' })
  t.is(bad.policy, first.policy, 'the previous policy stays in force')
  t.is(bad.error?.code, 'POLICY')
  t.is(bad.error?.message, 'POLICY: .cairn/policy.yaml line 1: reviews.required must be a non-negative integer')
  const none = loadPolicy('veto: [', undefined)
  t.is(none.policy, null)
  t.ok(none.error)
})

test('policyHash() ignores layout and key order, follows every rule and the MAINTAINERS text', t => {
  const a = parsePolicy(SMALLEST_POLICY)
  const b = parsePolicy('veto:\n  - Nacked-by\n# comment\ntests:\n  required: [quick]\nreviews: { role: reviewer, required: 2 }\nreset: { onNewRevision: true }\n')
  t.is(policyHash(a), policyHash(b), 'same rules, same hash (defaults included)')
  t.is(policyHash(a).length, 64)
  t.not(policyHash(a), policyHash(parsePolicy(SMALLEST_POLICY.replace('required: 2', 'required: 3'))))
  const withM = parsePolicy(SMALLEST_POLICY + 'maintainers: MAINTAINERS\n')
  const text = readFileSync(join(repoRoot, 'test/fixtures/machines/MAINTAINERS'), 'utf8')
  const h1 = policyHash(withMaintainers(withM, text))
  const h2 = policyHash(withMaintainers(withM, text + '\nNEW SECTION\nM:\tNew One <new@example.org>\nF:\tnew/\n'))
  t.not(h1, h2, 'a changed MAINTAINERS file changes the hash')
  t.is(h1, policyHash(withMaintainers(withM, text)))
})

test('loadPolicy() attaches the MAINTAINERS text the caller read; a bad one keeps the previous policy', t => {
  const text = SMALLEST_POLICY + 'maintainers: MAINTAINERS\n'
  const ok = loadPolicy(text, null, { maintainers: 'XFS\nM:\tX <x@example.org>\nF:\tfs/xfs/\n' })
  t.is(ok.policy?.maintainers?.parsed?.maintainersFor('fs/xfs/a.c')[0]?.name, 'XFS')
  const bad = loadPolicy(text, ok.policy, { maintainers: 'TEGRA\nN:\t[unclosed\n' })
  t.is(bad.policy, ok.policy)
  t.is(bad.error?.message, 'MAINTAINERS: MAINTAINERS line 2: N: [unclosed is not a valid regular expression')
})

test('policy: metrics gates required results on regressions against their baseline; the hash covers it, and stays as it was without', (t) => {
  const base = 'reviews: { required: 1 }\ntests: { required: [quick] }\nveto: []\n'
  t.absent('metrics' in parsePolicy(base), 'no gate unless asked')
  const gated = parsePolicy(base + 'metrics: { gate: [throughput], min-change: 2.5 }\n')
  t.alike(gated.metrics, { names: ['throughput'], minChange: { default: 2.5 } })
  t.not(policyHash(gated), policyHash(parsePolicy(base)), 'the gate is part of the hash')
  t.not(policyHash(gated), policyHash(parsePolicy(base + 'metrics: { gate: [throughput], min-change: 3 }\n')), 'and so is its minimum change (a non-integer hashed as text)')
  t.is(policyHash(parsePolicy(base + 'metrics: { gate: false }\n')), policyHash(parsePolicy(base)), 'gate: false is no gate')
  try {
    parsePolicy(base + 'metrics: { gate: maybe }\n')
    t.fail('accepted')
  } catch (err) {
    t.is((err as Error).message, 'POLICY: policy.yaml line 4: metrics.gate must be a list')
  }
})
