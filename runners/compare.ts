/**
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
import { uniqueNames } from './parsers/names.js'
import type { ParsedTest, TestStatus } from './parsers/types.js'

export interface TestChange { name: string, a: ParsedTest, b: ParsedTest }
export interface TestOnlyA { name: string, a: ParsedTest }
export interface TestOnlyB { name: string, b: ParsedTest }

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

export interface Comparison {
  regressions: TestChange[]
  fixes: TestChange[]
  stillFailing: TestChange[]
  otherChanges: TestChange[]
  new: TestOnlyB[]
  removed: TestOnlyA[]
  counts: CompareCounts
}

export function isFailing (s: TestStatus): boolean {
  return s === 'fail' || s === 'error' || s === 'xpass'
}

export function byName (x: { name: string }, y: { name: string }): number {
  return x.name < y.name ? -1 : x.name > y.name ? 1 : 0
}

function index (tests: ParsedTest[]): Map<string, ParsedTest> {
  const m = new Map<string, ParsedTest>()
  for (const t of uniqueNames(tests)) m.set(t.name, t)
  return m
}

export function compareResults (a: ParsedTest[], b: ParsedTest[]): Comparison {
  const ia = index(a)
  const ib = index(b)
  const out: Comparison = {
    regressions: [],
    fixes: [],
    stillFailing: [],
    otherChanges: [],
    new: [],
    removed: [],
    counts: { regressions: 0, fixes: 0, stillFailing: 0, otherChanges: 0, unchanged: 0, new: 0, newFailing: 0, removed: 0 }
  }
  for (const [name, ta] of ia) {
    const tb = ib.get(name)
    if (tb === undefined) {
      out.removed.push({ name, a: ta })
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
  for (const [name, tb] of ib) {
    if (!ia.has(name)) out.new.push({ name, b: tb })
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
