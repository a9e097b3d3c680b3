import type { CairnEvent } from '../../protocol/event.js'
import type { IndexedEvent } from '../views/views.js'
import { isFailing } from '../../protocol/results.js'
import type { TestStatus } from '../../protocol/results.js'

export type ResultEvent = IndexedEvent & CairnEvent<'result'>

interface TestsSummary { counts: Record<TestStatus, number>, failing: string[] }

/** Per result event (immutable once indexed): a run of 20,000 tests is read once, not per request. */
const summaries = new WeakMap<ResultEvent, TestsSummary>()

function testsSummary (e: ResultEvent): TestsSummary {
  let summary = summaries.get(e)
  if (summary === undefined) {
    const counts: Record<TestStatus, number> = { pass: 0, fail: 0, error: 0, skip: 0, xfail: 0, xpass: 0 }
    for (const t of e.body.tests) counts[t.status]++
    summary = { counts, failing: e.body.tests.filter((t) => isFailing(t.status)).slice(0, 20).map((t) => t.name) }
    summaries.set(e, summary)
  }
  return summary
}

export function statusCounts (e: ResultEvent): Record<TestStatus, number> {
  return { ...testsSummary(e).counts }
}

/** A result without its (possibly huge) test list: counts per status and the failing names instead. */
export function resultRow (e: ResultEvent): Record<string, unknown> {
  const { tests, ...rest } = e.body
  return {
    id: e.id,
    type: e.type,
    author: e.author,
    ts: e.ts,
    refs: e.refs,
    feed: e.feed,
    seq: e.seq,
    body: rest,
    total: tests.length,
    counts: statusCounts(e),
    failing: [...testsSummary(e).failing]
  }
}
