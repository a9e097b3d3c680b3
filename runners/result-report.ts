/**
 * Results for people at a terminal: which result a user means, and the A/B
 * comparison as text. Their JSON (shared with the HTTP API, which may not
 * import runners/) is node/wire/results.ts.
 */
import { trustedRunners } from '../node/views/jobs.js'
import { findResults } from '../node/views/results.js'
import type { ResultEvent } from '../node/views/results.js'
import type { Views } from '../node/views/views.js'
import type { ChangeJson, ComparisonJson } from '../node/wire/types.js'
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
  return out.join('\n')
}
