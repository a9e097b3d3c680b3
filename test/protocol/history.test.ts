import test from 'brittle'
import { changes, inSuite, outcomeCounts, outcomeOf, suiteIn, testIn } from '../../protocol/history.js'
import type { Outcome } from '../../protocol/history.js'
import type { ResultTest } from '../../protocol/results.js'

const T = (name: string, status: ResultTest['status'], duration?: number): ResultTest => duration === undefined ? { name, status } : { name, status, duration }

test('outcomeOf() groups statuses as the comparison does: failing, passing, skipped, missing', (t) => {
  t.alike(['pass', 'xfail', 'fail', 'error', 'xpass', 'skip', 'missing'].map((s) => outcomeOf(s as ResultTest['status'] | 'missing')),
    ['pass', 'pass', 'fail', 'fail', 'fail', 'skip', 'missing'])
})

test('inSuite() matches on / boundaries only', (t) => {
  t.ok(inSuite('generic/001', 'generic'))
  t.ok(inSuite('generic', 'generic'), 'the suite\'s own aggregate line')
  t.ok(inSuite('net/foo/child', 'net/foo'))
  t.absent(inSuite('generic2/001', 'generic'), 'a longer first segment is another suite')
  t.absent(inSuite('generic/001', 'generic/00'), 'not a partial segment')
})

test('testIn() finds a test with its duration, or says missing', (t) => {
  const tests = [T('a', 'pass', 12), { ...T('b', 'fail'), detail: 'boom' }]
  t.alike(testIn(tests, 'a'), { status: 'pass', duration: 12 })
  t.alike(testIn(tests, 'b'), { status: 'fail', detail: 'boom' })
  t.alike(testIn(tests, 'c'), { status: 'missing' })
})

test('suiteIn() counts the suite\'s statuses and names its first failing tests', (t) => {
  const tests = [T('generic/001', 'pass'), T('generic/002', 'fail'), T('generic/003', 'skip'), T('generic/004', 'xpass'), T('xfs/001', 'fail')]
  const s = suiteIn(tests, 'generic')
  t.alike(s.counts, { pass: 1, fail: 1, error: 0, skip: 1, xfail: 0, xpass: 1 })
  t.is(s.total, 4)
  t.alike(s.failing, ['generic/002', 'generic/004'])
  t.is(s.outcome, 'fail')
  t.is(suiteIn([T('g/1', 'pass'), T('g/2', 'skip')], 'g').outcome, 'pass')
  t.is(suiteIn([T('g/1', 'skip')], 'g').outcome, 'skip')
  t.is(suiteIn(tests, 'btrfs').outcome, 'missing')
  const many = suiteIn(Array.from({ length: 50 }, (_, i) => T(`g/${i}`, 'fail')), 'g')
  t.is(many.failing.length, 20, 'a few failing names, not all')
  t.is(many.counts.fail, 50)
})

test('changes() marks where the outcome changes; a missing point neither changes it nor hides a change', (t) => {
  const points = (['pass', 'pass', 'missing', 'fail', 'fail', 'skip', 'pass'] as Outcome[]).map((outcome, i) => ({ id: `r${i}`, outcome }))
  t.alike(changes(points), [
    { changedFrom: null, previous: null },
    { changedFrom: null, previous: 'r0' },
    { changedFrom: null, previous: 'r1' },
    { changedFrom: 'pass', previous: 'r1' },
    { changedFrom: null, previous: 'r3' },
    { changedFrom: 'fail', previous: 'r4' },
    { changedFrom: 'skip', previous: 'r5' }
  ])
  t.alike(outcomeCounts(points), { pass: 3, fail: 2, skip: 1, missing: 1 })
  t.alike(changes([]), [])
})

test('changes(): a flake (its outcome a flaky test\'s) neither changes the outcome nor hides a change', (t) => {
  const points = ([['pass', false], ['fail', true], ['pass', false], ['fail', true], ['fail', false]] as Array<[Outcome, boolean]>).map(([outcome, flake], i) => ({ id: `r${i}`, outcome, flake }))
  t.alike(changes(points).map((c) => c.changedFrom), [null, null, null, null, 'pass'], 'pass, flaky fail, pass: no change; a real fail after a flake: pass -> fail')
  t.alike(changes(points).map((c) => c.previous), [null, 'r0', 'r0', 'r2', 'r2'], 'compared with the point before that is not a flake')
})
