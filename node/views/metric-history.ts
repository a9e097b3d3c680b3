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
import type { ResultEvent } from './results.js'
import type { Views } from './views.js'
import { testedOf } from '../wire/tested.js'

type Metric = NonNullable<ResultEvent['body']['metrics']>[number]

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

/** One run of the metric, and what it tested. */
export interface MetricFound { tested: ReturnType<typeof testedOf>, run: MetricRun, unit: string, direction: 'higher' | 'lower' }

export function metricHistory (views: Views, metric: string, filter: HistoryFilter = {}): MetricHistory {
  const found: MetricFound[] = []
  // Only the runs holding this metric are decoded, each once, and only this metric of each is kept.
  const metrics = new Map<string, Metric | undefined>()
  const metricOf = (source: string): Metric | undefined => {
    if (!metrics.has(source)) metrics.set(source, (views.event(source) as ResultEvent | undefined)?.body.metrics?.find((x) => x.name === metric))
    return metrics.get(source)
  }
  for (const e of views.read(() => views.resultRows.metricRuns(metric))) {
    if (filter.since !== undefined && e.ts < filter.since) continue
    if (filter.runner !== undefined && e.author !== filter.runner) continue
    const m = metricOf(e.source)
    if (m === undefined) continue
    const tested = testedOf(views, { job: e.job, build: e.build })
    if ((filter.profile !== undefined && tested.profile !== filter.profile) || (filter.kind !== undefined && tested.kind !== filter.kind)) continue
    found.push({ tested, run: { result: e.id, ts: e.ts, value: m.value, samples: m.samples ?? [m.value] }, unit: m.unit, direction: m.direction })
  }
  return byRelease(metric, found)
}

/** The runs found (oldest first) grouped by release, in version order. */
export function byRelease (metric: string, found: readonly MetricFound[]): MetricHistory {
  const refOfBase = new Map<string, string>()
  for (const { tested } of found) if (tested.ref !== null && tested.base !== null && !refOfBase.has(tested.base)) refOfBase.set(tested.base, tested.ref)
  const groups = new Map<string, { base: string | null, runs: MetricRun[] }>()
  for (const { tested, run } of found) {
    const release = tested.ref ?? (tested.base === null ? tested.label : refOfBase.get(tested.base) ?? tested.base.slice(0, 12))
    const group = groups.get(release) ?? { base: tested.base, runs: [] }
    group.runs.push(run)
    groups.set(release, group)
  }
  const points = [...groups].map(([release, { base, runs }]) => {
    const samples = runs.flatMap((r) => r.samples)
    return { release, base, value: median(runs.map((r) => r.value)), min: Math.min(...samples), max: Math.max(...samples), runs }
  }).sort((a, b) => compareReleases(a.release, b.release))
  const last = found[found.length - 1]
  return { metric, unit: last?.unit ?? null, direction: last?.direction ?? null, points }
}
