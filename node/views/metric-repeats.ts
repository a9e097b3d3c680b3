/**
 * The noise a comparison of metrics weighs a change against: the metrics
 * of every other real run (not a reuse) of a result's test-run identity by
 * a trusted runner or the result's own, which repeat the same build on the
 * same profile and runner class.
 */
import type { Metric } from '../../protocol/metrics.js'
import { trustedRunners } from './jobs.js'
import { resultsOfTestRun } from './results.js'
import type { ResultEvent } from './results.js'
import type { Views } from './views.js'

export function metricRepeats (views: Views, run: ResultEvent): Metric[][] {
  const trusted = new Set(trustedRunners(views))
  trusted.add(run.author)
  return resultsOfTestRun(views, run.body.testRun)
    .filter((e) => e.id !== run.id && e.body.verdict !== 'reused' && trusted.has(e.author) && (e.body.metrics?.length ?? 0) > 0)
    .map((e) => e.body.metrics ?? [])
}
