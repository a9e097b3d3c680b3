/**
 * Results for people at a terminal: which result a user means, and the A/B
 * comparison as text. Their JSON (shared with the HTTP API, which may not
 * import runners/) is node/wire/results.ts.
 */
import { trustedRunners } from '../node/views/jobs.js'
import { findResults } from '../node/views/results.js'
import type { ResultEvent } from '../node/views/results.js'
import type { Views } from '../node/views/views.js'
import type { ChangeJson, ComparisonJson, MetricChangeJson, MetricComparisonJson } from '../node/wire/types.js'
import { CairnError } from '../protocol/errors.js'

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

/** The comparison as text: regressions first, then fixes, still failing, new, removed, other changes, then counts. */
export function compareText (c: ComparisonJson): string {
  const out = [
    `A ${c.resultA.id} (${c.resultA.verdict})`,
    `B ${c.resultB.id} (${c.resultB.verdict})`
  ]
  const groups: Array<[string, ChangeJson[]]> = [
    ['Regressions', c.regressions], ['Fixes', c.fixes], ['Still failing', c.stillFailing],
    ['New', c.new], ['Removed', c.removed], ['Other changes', c.otherChanges], ['Flaky (in the flake ledger; not regressions)', c.flaky]
  ]
  for (const [title, list] of groups) {
    if (list.length === 0) continue
    out.push(`${title} (${list.length}):`)
    for (const x of list) out.push(`  ${x.name}  ${x.a ?? '-'} -> ${x.b ?? '-'}`)
  }
  const n = c.counts
  out.push(`regressions ${n.regressions}, fixes ${n.fixes}, still failing ${n.stillFailing}, new ${n.new} (${n.newFailing} failing), removed ${n.removed}, other changes ${n.otherChanges}, unchanged ${n.unchanged}`)
  out.push(...metricsText(c.metrics))
  return out.join('\n')
}

const num = (x: number): string => String(Number(x.toPrecision(6)))

/** `bw  100 -> 80 MB/s  -20 (-20.0%), higher is better; baseline 98..102 (3 samples), p=0.008, counts from 5%` */
function metricLine (m: MetricChangeJson): string {
  const sign = m.delta > 0 ? '+' : ''
  const pct = m.pct === null ? '' : ` (${sign}${m.pct.toFixed(1)}%)`
  const p = m.p === null ? '' : `, p=${m.p.toPrecision(2)}`
  return `  ${m.name}  ${num(m.a)} -> ${num(m.b)} ${m.unit}  ${sign}${num(m.delta)}${pct}, ${m.direction} is better; baseline ${num(m.spread.min)}..${num(m.spread.max)} (${m.spread.n} samples)${p}, counts from ${num(m.minChange)}%`
}

/** Metric changes, regressions first; nothing when neither run measured anything. */
function metricsText (c: MetricComparisonJson): string[] {
  if (c.changes.length + c.new.length + c.removed.length === 0) return []
  const out: string[] = []
  const groups: Array<[string, MetricChangeJson['kind']]> = [['Metric regressions', 'regression'], ['Metric improvements', 'improvement'], ['Metrics within the noise', 'noise'], ['Metrics whose unit changed', 'unit-changed']]
  for (const [title, kind] of groups) {
    const list = c.changes.filter((m) => m.kind === kind)
    if (list.length === 0) continue
    out.push(`${title} (${list.length}):`, ...list.map(metricLine))
  }
  if (c.new.length > 0) out.push(`New metrics (${c.new.length}):`, ...c.new.map((m) => `  ${m.name}  ${num(m.value)} ${m.unit}`))
  if (c.removed.length > 0) out.push(`Removed metrics (${c.removed.length}):`, ...c.removed.map((m) => `  ${m.name}  ${num(m.value)} ${m.unit}`))
  const k = c.counts
  out.push(`metrics: regressions ${k.regressions}, improvements ${k.improvements}, within the noise ${k.noise}, new ${k.new}, removed ${k.removed}`)
  return out
}
