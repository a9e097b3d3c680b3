import type { BodyOf } from './schemas.js'

/** One test of a `result` event, and its status vocabulary. */
export type ResultTest = BodyOf<'result'>['tests'][number]
export type TestStatus = ResultTest['status']

/**
 * What two runs of the same tests mean relative to each other. Every layer
 * needs these rules (runners report with them, the API and UI show them), so
 * they live with the result schema.
 *
 * Compare two runs of the same tests: A (the baseline, e.g. the base commit)
 * and B (e.g. with the series applied). The rules, in the spirit of
 * comparing fstests result sets:
 *
 *   failing = fail | error | xpass   (what makes summarise() say `fail`;
 *             an xpass is a stale expectation, kselftest exits non-zero on it)
 *   passing = pass | xfail           (the test met its expectation)
 *   skipped = skip
 *
 *   regression    in both, not failing in A, failing in B. This includes
 *                 skip -> fail: a test A did not run and B fails is a failure
 *                 the change under test brings into view (fstests lists it
 *                 under Failures: either way), and pass -> xpass / xfail ->
 *                 xpass, which make B's verdict fail.
 *   fix           in both, failing in A, passing in B (not skipped: a skip
 *                 proves nothing)
 *   stillFailing  in both, failing in A and B (the status may differ, fail -> error)
 *   otherChanges  in both, any other change of status: pass <-> skip,
 *                 fail -> skip, pass <-> xfail, skip -> pass
 *   new           only in B (newFailing counts those that fail)
 *   removed       only in A
 *
 * So "B's verdict is fail and A's is not" always shows up as a regression
 * or a new failing test. Every list is sorted by name (UTF-16 code units,
 * not locale), so the same inputs give the same output anywhere. Names must
 * be unique per side; duplicates are renamed `x (2)`... as the parsers do.
 */

/**
 * Make names unique, in input order: the first `x` keeps its name, later ones
 * become `x (2)`, `x (3)`... (skipping any suffix that is itself taken), so the
 * same output always yields the same names and comparisons line up.
 */
export function uniqueNames<N extends { name: string }> (tests: readonly N[], warnings?: { add: (message: string) => void }): N[] {
  const taken = new Set<string>()
  for (const t of tests) taken.add(t.name)
  if (taken.size === tests.length) return [...tests]

  const seen = new Set<string>()
  const next = new Map<string, number>()
  return tests.map(t => {
    if (!seen.has(t.name)) {
      seen.add(t.name)
      return t
    }
    let n = next.get(t.name) ?? 2
    let name = `${t.name} (${n})`
    while (taken.has(name)) name = `${t.name} (${++n})`
    next.set(t.name, n + 1)
    taken.add(name)
    seen.add(name)
    warnings?.add(`duplicate test name ${JSON.stringify(t.name)} renamed to ${JSON.stringify(name)}`)
    return { ...t, name }
  })
}

interface TestChange<T extends ResultTest = ResultTest> { name: string, a: T, b: T }
interface TestOnlyA<T extends ResultTest = ResultTest> { name: string, a: T }
interface TestOnlyB<T extends ResultTest = ResultTest> { name: string, b: T }

export interface CompareCounts {
  regressions: number
  fixes: number
  stillFailing: number
  otherChanges: number
  unchanged: number
  new: number
  newFailing: number
  removed: number
}

interface Comparison<T extends ResultTest = ResultTest> {
  regressions: Array<TestChange<T>>
  fixes: Array<TestChange<T>>
  stillFailing: Array<TestChange<T>>
  otherChanges: Array<TestChange<T>>
  new: Array<TestOnlyB<T>>
  removed: Array<TestOnlyA<T>>
  counts: CompareCounts
}

export function isFailing (s: TestStatus): boolean {
  return s === 'fail' || s === 'error' || s === 'xpass'
}

function byName (x: { name: string }, y: { name: string }): number {
  return x.name < y.name ? -1 : x.name > y.name ? 1 : 0
}

/** name -> test, names made unique first; one pass over the tests when they already are (the usual case). */
function index<T extends ResultTest> (tests: readonly T[]): Map<string, T> {
  const m = new Map<string, T>()
  for (const t of tests) m.set(t.name, t)
  if (m.size === tests.length) return m
  m.clear()
  for (const t of uniqueNames(tests)) m.set(t.name, t)
  return m
}

export function compareResults<T extends ResultTest> (a: readonly T[], b: readonly T[]): Comparison<T> {
  const ia = index(a)
  const ib = index(b)
  const out: Comparison<T> = {
    regressions: [],
    fixes: [],
    stillFailing: [],
    otherChanges: [],
    new: [],
    removed: [],
    counts: { regressions: 0, fixes: 0, stillFailing: 0, otherChanges: 0, unchanged: 0, new: 0, newFailing: 0, removed: 0 }
  }
  let inBoth = 0
  for (const [name, ta] of ia) {
    const tb = ib.get(name)
    if (tb === undefined) {
      out.removed.push({ name, a: ta })
      continue
    }
    inBoth++
    if (ta.status === tb.status && !isFailing(ta.status)) { // most tests of a run: nothing to list
      out.counts.unchanged++
      continue
    }
    const fa = isFailing(ta.status)
    const fb = isFailing(tb.status)
    const change = { name, a: ta, b: tb }
    if (!fa && fb) out.regressions.push(change)
    else if (fa && fb) out.stillFailing.push(change)
    else if (fa && !fb && tb.status !== 'skip') out.fixes.push(change)
    else if (ta.status !== tb.status) out.otherChanges.push(change)
    else out.counts.unchanged++
  }
  if (inBoth < ib.size) { // B has tests A has not
    for (const [name, tb] of ib) {
      if (!ia.has(name)) out.new.push({ name, b: tb })
    }
  }
  for (const list of [out.regressions, out.fixes, out.stillFailing, out.otherChanges, out.new, out.removed]) list.sort(byName)
  out.counts.regressions = out.regressions.length
  out.counts.fixes = out.fixes.length
  out.counts.stillFailing = out.stillFailing.length
  out.counts.otherChanges = out.otherChanges.length
  out.counts.new = out.new.length
  out.counts.newFailing = out.new.filter(n => isFailing(n.b.status)).length
  out.counts.removed = out.removed.length
  return out
}
