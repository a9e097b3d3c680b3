/**
 * Results for people and programs: picking the result a user means, its
 * stable JSON shape, and the A/B comparison (regressions first) in JSON and
 * text. Used by `cairn results` and fit for the HTTP API.
 */
import { trustedRunners } from '../node/views/jobs.js'
import { findResults, requestOf, resolveResult, staleResults } from '../node/views/results.js'
import type { ResultEvent } from '../node/views/results.js'
import type { Views } from '../node/views/views.js'
import { CairnError } from '../protocol/errors.js'
import { compareResults } from '../protocol/results.js'
import type { Comparison } from '../protocol/results.js'
import type { ParsedTest, TestStatus } from './parsers/types.js'
import { summarise } from '../protocol/result-summary.js'

/**
 * The one result `ref` names: a result id, or the newest settled result of
 * a job, build identity or test-run identity (trusted runners' preferred;
 * an aborted run only when there is nothing else).
 */
export function pickResult (views: Views, ref: string): ResultEvent {
  const found = findResults(views, ref)
  if (found.length === 0) throw new CairnError('RESULT_UNKNOWN', `no result here for "${ref}" (a result id, job id, build or test-run identity, or an 8+ character prefix of an id)`)
  const trusted = new Set(trustedRunners(views))
  const ranked = [...found].sort((a, b) => rank(a, trusted) - rank(b, trusted))
  return ranked[ranked.length - 1] as ResultEvent
}

/** Higher is better; among equals, the later (found is oldest first and sort is stable). */
function rank (e: ResultEvent, trusted: Set<string>): number {
  return (trusted.has(e.author) ? 2 : 0) + (e.body.verdict === 'aborted' ? 0 : 1)
}

/** The tests of a result, through a `reused` result to the run it stands for. */
export function testsOf (views: Views, e: ResultEvent): { tests: ParsedTest[], source: ResultEvent | null } {
  const source = resolveResult(views, e)
  return { tests: (source?.body.tests ?? []) as ParsedTest[], source }
}

interface ResultSummaryJson {
  id: string
  job: string | null
  revision: string | null
  profile: string | null
  build: string
  testRun: string
  verdict: string
  /** The verdict of the run a reused result stands for (else the verdict itself); null if that run is not here. */
  effectiveVerdict: string | null
  reuses: string | null
  runner: string
  ts: number
  total: number
  counts: Record<TestStatus, number>
  stale: boolean
  message: string | null
}

export function resultSummaryJson (views: Views, e: ResultEvent): ResultSummaryJson {
  const { tests, source } = testsOf(views, e)
  const request = requestOf(views, e)
  const s = summarise(tests)
  return {
    id: e.id,
    job: e.body.job ?? null,
    revision: request?.body.revision ?? null,
    profile: request?.body.profile ?? null,
    build: e.body.build,
    testRun: e.body.testRun,
    verdict: e.body.verdict,
    effectiveVerdict: source?.body.verdict ?? null,
    reuses: e.body.reuses ?? null,
    runner: e.author,
    ts: e.ts,
    total: s.total,
    counts: s.counts,
    stale: staleResults(views).has(e.id),
    message: e.body.message ?? null
  }
}

interface ChangeJson { name: string, a: TestStatus | null, b: TestStatus | null }

interface ComparisonJson {
  resultA: { id: string, build: string, testRun: string, verdict: string }
  resultB: { id: string, build: string, testRun: string, verdict: string }
  regressions: ChangeJson[]
  fixes: ChangeJson[]
  new: ChangeJson[]
  removed: ChangeJson[]
  stillFailing: ChangeJson[]
  otherChanges: ChangeJson[]
  counts: Comparison['counts']
}

export function compareJson (views: Views, a: ResultEvent, b: ResultEvent): ComparisonJson {
  const ta = testsOf(views, a)
  const tb = testsOf(views, b)
  for (const [side, t, e] of [['A', ta, a], ['B', tb, b]] as const) {
    if (t.source === null) throw new CairnError('RESULT_UNKNOWN', `result ${side} ${e.id} reuses ${e.body.reuses ?? '?'}, which is not here; sync with its runner`)
  }
  const c = compareResults(ta.tests, tb.tests)
  const both = (x: { name: string, a: ParsedTest, b: ParsedTest }): ChangeJson => ({ name: x.name, a: x.a.status, b: x.b.status })
  const head = (e: ResultEvent, source: ResultEvent | null): ComparisonJson['resultA'] => ({ id: e.id, build: e.body.build, testRun: e.body.testRun, verdict: source?.body.verdict ?? e.body.verdict })
  return {
    resultA: head(a, ta.source),
    resultB: head(b, tb.source),
    regressions: c.regressions.map(both),
    fixes: c.fixes.map(both),
    new: c.new.map((x) => ({ name: x.name, a: null, b: x.b.status })),
    removed: c.removed.map((x) => ({ name: x.name, a: x.a.status, b: null })),
    stillFailing: c.stillFailing.map(both),
    otherChanges: c.otherChanges.map(both),
    counts: c.counts
  }
}

/** The comparison as text: regressions first, then fixes, still failing, new, removed, other changes, then counts. */
export function compareText (c: ComparisonJson): string {
  const out = [
    `A ${c.resultA.id} (${c.resultA.verdict})`,
    `B ${c.resultB.id} (${c.resultB.verdict})`
  ]
  const groups: Array<[string, ChangeJson[]]> = [
    ['Regressions', c.regressions], ['Fixes', c.fixes], ['Still failing', c.stillFailing],
    ['New', c.new], ['Removed', c.removed], ['Other changes', c.otherChanges]
  ]
  for (const [title, list] of groups) {
    if (list.length === 0) continue
    out.push(`${title} (${list.length}):`)
    for (const x of list) out.push(`  ${x.name}  ${x.a ?? '-'} -> ${x.b ?? '-'}`)
  }
  const n = c.counts
  out.push(`regressions ${n.regressions}, fixes ${n.fixes}, still failing ${n.stillFailing}, new ${n.new} (${n.newFailing} failing), removed ${n.removed}, other changes ${n.otherChanges}, unchanged ${n.unchanged}`)
  return out.join('\n')
}
