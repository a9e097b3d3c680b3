/**
 * A metric across releases: every result holding it (a reused result as the
 * run it stands for), grouped by what it tested (the ref a job named, else
 * the ref another job named for that commit, else the commit), releases in
 * version order (history-order.ts). Each release gives the runs' values and
 * the spread of repeated runs: the median of their values, and the least
 * and greatest of all their samples.
 */
import { compareReleases } from './history-order.js'
import type { HistoryFilter } from './history.js'
import { allResults, resolveResult } from './results.js'
import type { Views } from './views.js'
import { testedOf } from '../wire/tested.js'

interface MetricRun { result: string, ts: number, value: number, samples: number[] }
interface MetricRelease { release: string, base: string | null, value: number, min: number, max: number, runs: MetricRun[] }

interface MetricHistory {
  metric: string
  unit: string | null
  direction: 'higher' | 'lower' | null
  points: MetricRelease[]
}

function median (xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] as number : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

export function metricHistory (views: Views, metric: string, filter: HistoryFilter = {}): MetricHistory {
  const found: Array<{ tested: ReturnType<typeof testedOf>, run: MetricRun, unit: string, direction: 'higher' | 'lower' }> = []
  for (const e of allResults(views)) {
    if (filter.since !== undefined && e.ts < filter.since) continue
    if (filter.runner !== undefined && e.author !== filter.runner) continue
    const source = resolveResult(views, e)
    const m = source?.body.metrics?.find((x) => x.name === metric)
    if (m === undefined) continue
    const tested = testedOf(views, { job: e.body.job ?? null, build: e.body.build })
    if ((filter.profile !== undefined && tested.profile !== filter.profile) || (filter.kind !== undefined && tested.kind !== filter.kind)) continue
    found.push({ tested, run: { result: e.id, ts: e.ts, value: m.value, samples: m.samples ?? [m.value] }, unit: m.unit, direction: m.direction })
  }
  const refOfBase = new Map<string, string>()
  for (const { tested } of found) if (tested.ref !== null && tested.base !== null && !refOfBase.has(tested.base)) refOfBase.set(tested.base, tested.ref)
  const byRelease = new Map<string, { base: string | null, runs: MetricRun[] }>()
  for (const { tested, run } of found) {
    const release = tested.ref ?? (tested.base === null ? tested.label : refOfBase.get(tested.base) ?? tested.base.slice(0, 12))
    const group = byRelease.get(release) ?? { base: tested.base, runs: [] }
    group.runs.push(run)
    byRelease.set(release, group)
  }
  const points = [...byRelease].map(([release, { base, runs }]) => {
    const samples = runs.flatMap((r) => r.samples)
    return { release, base, value: median(runs.map((r) => r.value)), min: Math.min(...samples), max: Math.max(...samples), runs }
  }).sort((a, b) => compareReleases(a.release, b.release))
  const last = found[found.length - 1]
  return { metric, unit: last?.unit ?? null, direction: last?.direction ?? null, points }
}
