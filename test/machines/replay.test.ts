// Replay (machines/replay.ts) must give exactly what XState's pure
// initialTransition/transition give one fact at a time: checked on random
// policies and fact sequences for both revision machines, plus the refusals
// that keep a machine outside replay's contract from deciding wrong.
import test from 'brittle'
import * as fc from 'fast-check'
import { assign, setup } from 'xstate'
import { foldMergePolicy, mergePolicy } from '../../machines/merge-policy.js'
import { Replay } from '../../machines/replay.js'
import type { Fact, RevisionInput } from '../../machines/revision-context.js'
import { foldLifecycle, revisionLifecycle } from '../../machines/revision-lifecycle.js'
import { isCairnError } from '../../protocol/errors.js'
import { stepByStep } from './fixtures.js'

const IDS = ['a', 'b', 'c'].map((c) => c.repeat(64))
const PROFILES = ['quick', 'long']

const identity = fc.constantFrom(...IDS)
const patch = fc.option(fc.constantFrom(1, 2), { nil: undefined })
const carried = fc.option(fc.constant(1), { nil: undefined })
const opt = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

const fact: fc.Arbitrary<Omit<Fact, 'id'>> = fc.oneof(
  fc.record({ identity, patch, carried }).map((r) => opt({ type: 'approve' as const, key: 'Reviewed-by', who: 'W', ...r })),
  fc.record({ identity, patch, carried, maintainer: fc.boolean() }).map((r) => opt({ type: 'veto' as const, key: 'Nacked-by', who: 'W', ...r })),
  fc.constant({ type: 'untrusted' as const, key: 'Reviewed-by', who: 'X' }),
  fc.constantFrom(...PROFILES).map((profile) => ({ type: 'job' as const, profile })),
  fc.record({
    profile: fc.constantFrom(...PROFILES),
    verdict: fc.constantFrom('pass', 'fail', 'error', 'apply-failed', 'aborted') as fc.Arbitrary<'pass'>,
    build: fc.constantFrom('b1', 'b2')
  }).map((r) => ({ type: 'result' as const, runner: 'r', ...r })),
  fc.constant({ type: 'untrusted-result' as const, profile: 'quick', runner: 'x' }),
  fc.constant({ type: 'withdraw' as const, who: 'Dev' }),
  fc.constantFrom(2, 3).map((version) => ({ type: 'supersede' as const, version })),
  fc.constant({ type: 'merge' as const, branch: 'main', commit: 'c'.repeat(40) })
)

const revisionInput: fc.Arbitrary<RevisionInput> = fc.record({
  profiles: fc.subarray(PROFILES),
  rules: fc.array(fc.record({ required: fc.integer({ min: 0, max: 2 }), eligible: fc.subarray(IDS) }), { minLength: 1, maxLength: 2 }),
  patches: fc.constantFrom([1], [1, 2], []).map((p): number[] => [...p])
}).map(({ profiles, rules, patches }) => ({
  revision: 'e'.repeat(64),
  version: 1,
  patches,
  req: {
    profiles,
    approvalKeys: ['Reviewed-by'],
    reviews: rules.map((r, i) => ({ label: i === 0 ? '' : 'fs/xfs', required: r.required, role: 'reviewer' as const, eligible: r.eligible }))
  }
}))

const facts = fc.array(fact, { maxLength: 14 }).map((fs) => fs.map((f, i) => ({ ...f, id: String(i) }) as Fact))

for (const [name, machine, fold] of [
  ['revisionLifecycle', revisionLifecycle, foldLifecycle],
  ['mergePolicy', mergePolicy, foldMergePolicy]
] as const) {
  test(`${name}: replay gives what XState gives one fact at a time (fast-check)`, t => {
    let runs = 0
    fc.assert(fc.property(revisionInput, facts, (input, list) => {
      runs++
      const want = stepByStep(machine, input, list)
      const got = fold(input, list)
      return JSON.stringify(got.value) === JSON.stringify(want.value) && got.done === want.done &&
        JSON.stringify(got.context) === JSON.stringify(want.context)
    }), { numRuns: 1500, seed: 20261121 })
    t.is(runs, 1500, '1,500 random policies and fact sequences agree on state and context')
  })
}

test('revisionLifecycle: merged is final; a later v2 does not make it superseded', t => {
  const input: RevisionInput = { revision: 'e'.repeat(64), version: 1, patches: [1], req: { profiles: [], approvalKeys: ['Reviewed-by'], reviews: [{ label: '', required: 0, role: 'reviewer', eligible: [] }] } }
  const s = foldLifecycle(input, [{ type: 'merge', id: '0', branch: 'main', commit: 'c'.repeat(40) }, { type: 'supersede', id: '1', version: 2 }])
  t.is(s.value, 'merged')
  t.ok(s.done)
  t.is(s.context.supersededBy, null, 'nothing recorded after the final state')
})

test('replay: a machine with an inline guard function is refused when built', t => {
  const m = setup({ types: {} as { context: { n: number }, events: { type: 'go' } } }).createMachine({
    context: { n: 0 },
    initial: 'a',
    states: { a: { on: { go: { target: 'b', guard: ({ context }) => context.n > 0 } } }, b: {} }
  })
  try {
    // eslint-disable-next-line no-new
    new Replay(m, () => ({ n: 0 }), (c: { n: number }) => c)
    t.fail('built')
  } catch (err) {
    t.ok(isCairnError(err) && err.code === 'MACHINE' && err.message.includes('named guards only'), 'MACHINE: named guards only')
  }
})

test('replay: a machine that changes its context outside the reducer fails loudly', t => {
  const m = setup({ types: {} as { context: { n: number }, events: { type: 'go' } } }).createMachine({
    context: { n: 0 },
    initial: 'a',
    states: { a: { on: { go: 'b' } }, b: { entry: assign({ n: 5 }) } }
  })
  const r = new Replay<{ n: number }, { type: 'go' }, undefined>(m, () => ({ n: 0 }), (c) => c)
  t.alike(r.fold(undefined, []).value, 'a', 'no event: the initial state')
  try {
    r.fold(undefined, [{ type: 'go' }])
    t.fail('replayed')
  } catch (err) {
    t.ok(isCairnError(err) && err.code === 'MACHINE' && err.message.includes('context differs'), 'MACHINE: context differs from the reducer\'s')
  }
})
