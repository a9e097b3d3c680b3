import test from 'brittle'
import fc from 'fast-check'
import { compareTests } from '../../node/http/compare.js'
import type { ResultTest } from '../../node/http/compare.js'
import { compareResults } from '../../runners/compare.js'
import type { ParsedTest } from '../../runners/parsers/types.js'

const STATUSES = ['pass', 'fail', 'skip', 'xfail', 'xpass', 'error'] as const
const testArb = fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd', 'a (2)', 'e'), status: fc.constantFrom(...STATUSES) })

test('compareTests() (node/, for the API) agrees with runners/compare.ts on random runs, duplicates included', (t) => {
  fc.assert(fc.property(fc.array(testArb, { maxLength: 8 }), fc.array(testArb, { maxLength: 8 }), (a: ResultTest[], b: ResultTest[]) => {
    const ours = compareTests(a, b)
    const theirs = compareResults(a as ParsedTest[], b as ParsedTest[])
    return JSON.stringify(ours) === JSON.stringify(theirs)
  }), { numRuns: 2000 })
  t.pass('2000 random pairs agree')
})

test('compareTests() sorts status changes into regressions, fixes, still failing, other, new, removed', (t) => {
  const T = (name: string, status: ResultTest['status']): ResultTest => ({ name, status })
  const c = compareTests(
    [T('reg', 'pass'), T('fix', 'fail'), T('still', 'fail'), T('other', 'pass'), T('same', 'pass'), T('gone', 'pass')],
    [T('reg', 'fail'), T('fix', 'pass'), T('still', 'error'), T('other', 'skip'), T('same', 'pass'), T('born', 'xpass')])
  t.alike(c.counts, { regressions: 1, fixes: 1, stillFailing: 1, otherChanges: 1, unchanged: 1, new: 1, newFailing: 1, removed: 1 })
})
