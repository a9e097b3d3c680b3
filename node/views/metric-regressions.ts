/**
 * Metric regressions over a tree's baseline results, beside its test
 * regressions (regressions.ts): each result's metrics are compared with the
 * last result whose value held (the reference), weighed against the noise
 * of the reference's test-run identity in the tree (its other runs) as
 * `results compare` does. Beyond the noise the wrong way, the metric is a
 * regression, first seen there; it stays open while later results still
 * regress against that reference, and is fixed by the first that does not,
 * which becomes the reference. A repeated run of the reference's identity is
 * part of its noise, so it never regresses.
 */
import { compareMetrics } from '../../protocol/metrics.js'
import type { Metric, MetricChange } from '../../protocol/metrics.js'

/** A run of a tree as far as its metrics go: one object per run (a reused result shares its run's). */
export interface MetricRun<S> { source: { body: { testRun: string, metrics?: Metric[] | undefined } }, at: S }

export interface MetricRegression<S> {
  test: string
  state: 'failing' | 'fixed'
  firstSeen: S
  lastSeen: S
  /** The reference: the last result before it whose value held. */
  lastPass: S
  fixedBy: S | null
  /** The size of the change where first seen, against the reference. */
  metric: Omit<MetricChange, 'name'>
}

export function trackMetrics<S> (results: ReadonlyArray<MetricRun<S>>): Array<MetricRegression<S>> {
  const byIdentity = new Map<string, Array<MetricRun<S>['source']>>()
  for (const { source } of results) {
    const list = byIdentity.get(source.body.testRun) ?? []
    if (!list.includes(source)) list.push(source)
    byIdentity.set(source.body.testRun, list)
  }
  const repeats = (run: MetricRun<S>['source']): Metric[][] => (byIdentity.get(run.body.testRun) ?? []).filter((e) => e !== run).map((e) => e.body.metrics ?? [])
  const reference = new Map<string, MetricRun<S> & { metric: Metric }>()
  const open = new Map<string, MetricRegression<S>>()
  const out: Array<MetricRegression<S>> = []
  for (const run of results) {
    for (const m of run.source.body.metrics ?? []) {
      const ref = reference.get(m.name)
      const change = ref === undefined ? undefined : compareMetrics({ metrics: [ref.metric], repeats: repeats(ref.source) }, { metrics: [m] }).changes[0]
      const reg = open.get(m.name)
      if (ref !== undefined && change?.kind === 'regression') {
        if (reg !== undefined) { reg.lastSeen = run.at; continue }
        const { name: _name, ...size } = change
        const created: MetricRegression<S> = { test: m.name, state: 'failing', firstSeen: run.at, lastSeen: run.at, lastPass: ref.at, fixedBy: null, metric: size }
        open.set(m.name, created)
        out.push(created)
        continue
      }
      if (reg !== undefined) { reg.state = 'fixed'; reg.fixedBy = run.at; open.delete(m.name) }
      reference.set(m.name, { ...run, metric: m })
    }
  }
  return out
}
