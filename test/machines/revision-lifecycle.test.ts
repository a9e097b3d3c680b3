import test from 'brittle'
import { initialTransition, transition } from 'xstate'
import { foldLifecycle, revisionLifecycle, stateName } from '../../machines/revision-lifecycle.js'
import type { Fact, RevisionInput } from '../../machines/revision-context.js'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const REV = 'e'.repeat(64)

const input = (profiles = ['quick'], required = 2): RevisionInput => ({
  revision: REV,
  version: 1,
  patches: [1, 2],
  req: { profiles, approvalKeys: ['Reviewed-by'], reviews: [{ label: '', required, role: 'reviewer', eligible: [A, B] }] }
})

const approve = (identity: string, id: string): Fact => ({ type: 'approve', id, identity, key: 'Reviewed-by', who: identity.slice(0, 1) })
const result = (verdict: 'pass' | 'fail', build: string, id: string): Fact => ({ type: 'result', id, profile: 'quick', verdict, build, runner: 'r' })

/** Step through facts, collecting [state, actions] after each. */
function walk (inp: RevisionInput, facts: Fact[]): Array<[string, Array<[string, unknown]>]> {
  let [s] = initialTransition(revisionLifecycle, inp)
  return facts.map((f) => {
    const [next, actions] = transition(revisionLifecycle, s, f)
    s = next
    return [stateName(s.value), actions.map((a) => [a.type, a.params] as [string, unknown])]
  })
}

test('revisionLifecycle transition(): new -> testing -> tested.pass -> reviewed -> ready -> merged, with actions', t => {
  const [s0, a0] = initialTransition(revisionLifecycle, input())
  t.is(stateName(s0.value), 'new')
  t.alike(a0, [])
  t.alike(walk(input(), [
    { type: 'job', id: '1', profile: 'quick' },
    result('pass', 'b1', '2'),
    approve(A, '3'),
    approve(B, '4'),
    { type: 'merge', id: '5', branch: 'for-next', commit: 'c'.repeat(40) }
  ]), [
    ['testing', []],
    ['tested.pass', [['announce', { revision: REV, state: 'tested.pass' }]]],
    ['reviewed', []],
    ['ready', [['announce', { revision: REV, state: 'ready' }]]],
    ['merged', [['announce', { revision: REV, state: 'merged' }]]]
  ])
})

test('revisionLifecycle transition(): staying in a state repeats no entry action', t => {
  const steps = walk(input(['quick'], 1), [result('pass', 'b1', '1'), approve(A, '2'), approve(B, '3'), { type: 'untrusted', id: '4', key: 'Reviewed-by', who: 'X' }])
  t.alike(steps.map(([s]) => s), ['tested.pass', 'ready', 'ready', 'ready'])
  t.alike(steps[2]?.[1], [])
  t.alike(steps[3]?.[1], [])
})

test('revisionLifecycle transition(): a failed required result -> tested.fail', t => {
  const steps = walk(input(), [{ type: 'job', id: '1', profile: 'quick' }, result('fail', 'b1', '2'), approve(A, '3')])
  t.alike(steps.map(([s]) => s), ['testing', 'tested.fail', 'tested.fail'])
  t.alike(steps[1]?.[1], [['announce', { revision: REV, state: 'tested.fail' }]])
})

test('revisionLifecycle transition(): a changed build identity after approval -> stale (requestReview), fresh approvals -> ready', t => {
  const steps = walk(input(), [result('pass', 'b1', '1'), approve(A, '2'), approve(B, '3'), result('pass', 'b2', '4'), approve(A, '5'), approve(B, '6')])
  t.alike(steps.map(([s]) => s), ['tested.pass', 'reviewed', 'ready', 'stale', 'stale', 'ready'])
  t.alike(steps[3]?.[1], [['requestReview', { revision: REV }]])
})

test('revisionLifecycle transition(): a counted veto or a withdrawal -> rejected; superseded is final and cancels jobs', t => {
  let steps = walk(input(), [approve(A, '1'), { type: 'veto', id: '2', identity: B, key: 'Nacked-by', who: 'B', maintainer: true }])
  t.alike(steps.map(([s]) => s), ['reviewed', 'rejected'])
  t.alike(steps[1]?.[1], [['announce', { revision: REV, state: 'rejected' }]])
  steps = walk(input(), [{ type: 'veto', id: '1', identity: B, key: 'Nacked-by', who: 'B', maintainer: false }])
  t.alike(steps.map(([s]) => s), ['new'], 'a veto that does not count changes nothing')
  steps = walk(input(), [{ type: 'withdraw', id: '1', who: 'Dev' }])
  t.alike(steps.map(([s]) => s), ['rejected'])
  steps = walk(input(), [{ type: 'supersede', id: '1', version: 2 }, approve(A, '2'), approve(B, '3')])
  t.alike(steps.map(([s]) => s), ['superseded', 'superseded', 'superseded'])
  t.alike(steps[0]?.[1], [['cancelJobs', { revision: REV }]])
})

test('revisionLifecycle: with no required profiles, reviews lead straight to ready', t => {
  const s = foldLifecycle(input([], 1), [approve(A, '1')])
  t.is(stateName(s.value), 'ready')
  t.is(stateName(foldLifecycle(input([], 1), []).value), 'new')
})
