import type { BodyOf } from '../../protocol/schemas.js'

/**
 * A/B comparison of two result events' tests, for the API and UI. The rules
 * are runners/compare.ts's (node/ may not import runners/), and
 * test/http/compare.test.ts checks on random inputs that both agree:
 *
 *   failing = fail | error | xpass, passing = pass | xfail, skipped = skip
 *   regression    in both, not failing in A, failing in B
 *   fix           in both, failing in A, passing in B (a skip proves nothing)
 *   stillFailing  failing in both
 *   otherChanges  any other change of status
 *   new / removed only in B / only in A
 *
 * Lists are sorted by name (code units); duplicate names become `x (2)`...
 */
export type ResultTest = BodyOf<'result'>['tests'][number]
export type TestStatus = ResultTest['status']

export interface TestChange { name: string, a: ResultTest, b: ResultTest }

export interface Comparison {
  regressions: TestChange[]
  fixes: TestChange[]
  stillFailing: TestChange[]
  otherChanges: TestChange[]
  new: Array<{ name: string, b: ResultTest }>
  removed: Array<{ name: string, a: ResultTest }>
  counts: { regressions: number, fixes: number, stillFailing: number, otherChanges: number, unchanged: number, new: number, newFailing: number, removed: number }
}

export function isFailing (s: TestStatus): boolean {
  return s === 'fail' || s === 'error' || s === 'xpass'
}

const byName = (x: { name: string }, y: { name: string }): number => x.name < y.name ? -1 : x.name > y.name ? 1 : 0

/** First `x` keeps its name, later ones become `x (2)`, `x (3)`... skipping names already taken. */
function uniqueNames (tests: readonly ResultTest[]): Map<string, ResultTest> {
  const taken = new Set(tests.map((t) => t.name))
  const out = new Map<string, ResultTest>()
  const next = new Map<string, number>()
  for (const t of tests) {
    if (!out.has(t.name)) {
      out.set(t.name, t)
      continue
    }
    let n = next.get(t.name) ?? 2
    let name = `${t.name} (${n})`
    while (taken.has(name)) name = `${t.name} (${++n})`
    next.set(t.name, n + 1)
    taken.add(name)
    out.set(name, { ...t, name })
  }
  return out
}

export function compareTests (a: readonly ResultTest[], b: readonly ResultTest[]): Comparison {
  const ia = uniqueNames(a)
  const ib = uniqueNames(b)
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
    else if (fa && tb.status !== 'skip') out.fixes.push(change)
    else if (ta.status !== tb.status) out.otherChanges.push(change)
    else out.counts.unchanged++
  }
  for (const [name, tb] of ib) if (!ia.has(name)) out.new.push({ name, b: tb })
  for (const list of [out.regressions, out.fixes, out.stillFailing, out.otherChanges, out.new, out.removed]) list.sort(byName)
  const c = out.counts
  c.regressions = out.regressions.length
  c.fixes = out.fixes.length
  c.stillFailing = out.stillFailing.length
  c.otherChanges = out.otherChanges.length
  c.new = out.new.length
  c.newFailing = out.new.filter((n) => isFailing(n.b.status)).length
  c.removed = out.removed.length
  return out
}
