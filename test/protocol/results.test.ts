import test from 'brittle'
import fc from 'fast-check'
import { compareResults } from '../../protocol/results.js'
import { summarise } from '../../protocol/result-summary.js'
import { TEST_STATUSES } from '../../runners/parsers/types.js'
import type { ParsedTest, TestStatus } from '../../runners/parsers/types.js'

const T = (name: string, status: TestStatus, detail?: string): ParsedTest => detail === undefined ? { name, status } : { name, status, detail }
const names = (list: Array<{ name: string }>): string[] => list.map(x => x.name)

test('compareResults() sorts every status change into its bucket', t => {
  const a = [
    T('pass-fail', 'pass'), T('pass-error', 'pass'), T('skip-fail', 'skip'), T('xfail-xpass', 'xfail'), T('pass-xpass', 'pass'),
    T('fail-pass', 'fail'), T('error-pass', 'error'), T('xpass-xfail', 'xpass'), T('fail-xfail', 'fail'),
    T('fail-fail', 'fail'), T('fail-error', 'fail'), T('xpass-fail', 'xpass'),
    T('pass-skip', 'pass'), T('fail-skip', 'fail'), T('skip-pass', 'skip'), T('pass-xfail', 'pass'), T('xfail-pass', 'xfail'),
    T('pass-pass', 'pass'), T('skip-skip', 'skip'),
    T('gone', 'fail')
  ]
  const b = [
    T('pass-fail', 'fail', 'boom'), T('pass-error', 'error'), T('skip-fail', 'fail'), T('xfail-xpass', 'xpass'), T('pass-xpass', 'xpass'),
    T('fail-pass', 'pass'), T('error-pass', 'pass'), T('xpass-xfail', 'xfail'), T('fail-xfail', 'xfail'),
    T('fail-fail', 'fail'), T('fail-error', 'error'), T('xpass-fail', 'fail'),
    T('pass-skip', 'skip'), T('fail-skip', 'skip'), T('skip-pass', 'pass'), T('pass-xfail', 'xfail'), T('xfail-pass', 'pass'),
    T('pass-pass', 'pass'), T('skip-skip', 'skip'),
    T('brand-new', 'pass'), T('new-broken', 'error')
  ]
  const c = compareResults(a, b)
  t.alike(names(c.regressions), ['pass-error', 'pass-fail', 'pass-xpass', 'skip-fail', 'xfail-xpass'])
  t.alike(names(c.fixes), ['error-pass', 'fail-pass', 'fail-xfail', 'xpass-xfail'])
  t.alike(names(c.stillFailing), ['fail-error', 'fail-fail', 'xpass-fail'])
  t.alike(names(c.otherChanges), ['fail-skip', 'pass-skip', 'pass-xfail', 'skip-pass', 'xfail-pass'])
  t.alike(c.new, [{ name: 'brand-new', b: T('brand-new', 'pass') }, { name: 'new-broken', b: T('new-broken', 'error') }])
  t.alike(c.removed, [{ name: 'gone', a: T('gone', 'fail') }])
  t.alike(c.regressions.find(x => x.name === 'pass-fail'), { name: 'pass-fail', a: T('pass-fail', 'pass'), b: T('pass-fail', 'fail', 'boom') })
  t.alike(c.counts, { regressions: 5, fixes: 4, stillFailing: 3, otherChanges: 5, unchanged: 2, new: 2, newFailing: 1, removed: 1 })
})

test('compareResults() orders by code unit, not by locale or input order', t => {
  const a = [T('b', 'pass'), T('B', 'pass'), T('a/2', 'pass'), T('a/10', 'pass'), T('é', 'pass')]
  const b = a.map(x => T(x.name, 'fail')).reverse()
  t.alike(names(compareResults(a, b).regressions), ['B', 'a/10', 'a/2', 'b', 'é'])
})

test('compareResults() renames duplicates the way parsers do before matching', t => {
  const c = compareResults([T('x', 'pass'), T('x', 'pass')], [T('x', 'pass'), T('x', 'fail')])
  t.alike(c.regressions, [{ name: 'x (2)', a: T('x (2)', 'pass'), b: T('x (2)', 'fail') }])
})

test('compareResults() of empty runs is empty', t => {
  t.alike(compareResults([], []), {
    regressions: [], fixes: [], stillFailing: [], otherChanges: [], new: [], removed: [],
    counts: { regressions: 0, fixes: 0, stillFailing: 0, otherChanges: 0, unchanged: 0, new: 0, newFailing: 0, removed: 0 }
  })
})

test('compareResults(): a verdict turning to fail always shows as a regression or a new failing test', t => {
  const status = fc.constantFrom<TestStatus>(...TEST_STATUSES)
  const run = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), status).map(d => Object.entries(d).map(([name, s]) => T(name, s)))
  fc.assert(fc.property(run, run, (a, b) => {
    const c = compareResults(a, b)
    const total = c.regressions.length + c.fixes.length + c.stillFailing.length + c.otherChanges.length + c.counts.unchanged + c.removed.length
    if (total !== a.length || c.new.length + total - c.removed.length !== b.length) return false
    if (summarise(b).verdict === 'fail' && summarise(a).verdict !== 'fail') {
      return c.regressions.length + c.counts.newFailing > 0
    }
    return true
  }), { numRuns: 500 })
  t.pass()
})
