import type { BodyOf } from './schemas.js'

/**
 * What the numbers of a `result` mean when two runs are compared. A metric
 * is a named value with a unit and a direction (which way is better), and
 * the samples behind it when the benchmark repeated.
 *
 * A change counts only when it is beyond the noise: it is at least the
 * metric's minimum relative change (`minChange`, a percentage of the
 * baseline; DEFAULT_MIN_CHANGE_PCT unless the comparison, the metric or its
 * baseline says otherwise), B's value lies outside the spread (min..max) of
 * everything seen for the baseline (A's samples and those of repeated runs
 * of A's test-run identity), and, where both sides have at least
 * MIN_MWU_SAMPLES samples, a two-sided Mann-Whitney U test gives p <
 * MWU_ALPHA as well. The floor is what keeps one run against one run (a
 * spread of a single value) from calling every jitter a change; the spread
 * and the rank test still apply above it. A repeated run of the baseline is
 * part of that spread, so it never counts. A change beyond the noise that
 * goes the wrong way is a regression, like a test that passed and now fails.
 */
export type Metric = NonNullable<BodyOf<'result'>['metrics']>[number]
type MetricDirection = Metric['direction']

/** Both sides need this many samples before the rank test is asked. */
const MIN_MWU_SAMPLES = 5
const MWU_ALPHA = 0.05
/** Below this change, in percent of the baseline, a metric is within the noise unless something says otherwise: benchmark jitter between two single runs is often a few percent. */
const DEFAULT_MIN_CHANGE_PCT = 5

/** Minimum relative changes (percent) a comparison asks for: by metric name, else `default`; both win over what the metrics themselves say. */
export interface MinChange {
  default?: number
  byName?: Readonly<Record<string, number>>
}

type MetricChangeKind = 'regression' | 'improvement' | 'noise' | 'unit-changed'

export interface MetricChange {
  name: string
  unit: string
  direction: MetricDirection
  a: number
  b: number
  /** b - a, in the unit. */
  delta: number
  /** delta as a percentage of |a|; null when a is 0. */
  pct: number | null
  /** The baseline's spread: min and max over A's samples and its repeated runs. */
  spread: { min: number, max: number, n: number }
  /** Samples on B's side (its own and its identity's repeated runs when B's identity differs from A's). */
  nB: number
  /** Mann-Whitney U two-sided p, when both sides have enough samples. */
  p: number | null
  /** The minimum relative change (percent) this metric was held to. */
  minChange: number
  kind: MetricChangeKind
}

export interface MetricComparison {
  changes: MetricChange[]
  new: Metric[]
  removed: Metric[]
  counts: { regressions: number, improvements: number, noise: number, new: number, removed: number }
}

/** A metric's samples, or its one value. */
function samplesOf (m: Metric): number[] {
  return m.samples !== undefined && m.samples.length > 0 ? m.samples : [m.value]
}

/** The order of n1 + n2 ranks, average ranks for ties; p from the normal approximation with tie and continuity corrections. */
export function mannWhitneyP (x: readonly number[], y: readonly number[]): number {
  const n1 = x.length
  const n2 = y.length
  const all = [...x.map((v) => ({ v, s: 0 })), ...y.map((v) => ({ v, s: 1 }))].sort((p, q) => p.v - q.v)
  let r1 = 0
  let ties = 0
  for (let i = 0; i < all.length;) {
    let j = i
    while (j + 1 < all.length && all[j + 1]?.v === all[i]?.v) j++
    const rank = (i + j + 2) / 2
    const t = j - i + 1
    ties += t * t * t - t
    for (let k = i; k <= j; k++) if (all[k]?.s === 0) r1 += rank
    i = j + 1
  }
  const u1 = r1 - n1 * (n1 + 1) / 2
  const n = n1 + n2
  const mean = n1 * n2 / 2
  const variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)))
  if (variance <= 0) return 1 // every value equal: no evidence of a shift
  const z = Math.max(0, Math.abs(u1 - mean) - 0.5) / Math.sqrt(variance)
  return Math.min(1, 2 * (1 - normalCdf(z)))
}

/** Standard normal CDF (Abramowitz and Stegun 26.2.17, error below 7.5e-8). */
function normalCdf (z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z))
  const d = 0.3989422804014327 * Math.exp(-z * z / 2)
  const tail = d * t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))))
  return z >= 0 ? 1 - tail : tail
}

interface MetricRuns {
  /** The run's metrics. */
  metrics: readonly Metric[]
  /** Metrics of other runs of the same test-run identity (repeats), whose samples widen the noise. */
  repeats?: ReadonlyArray<readonly Metric[]>
}

function byName (metrics: readonly Metric[]): Map<string, Metric> {
  const m = new Map<string, Metric>()
  for (const x of metrics) if (!m.has(x.name)) m.set(x.name, x)
  return m
}

function pooled (name: string, own: Metric, repeats: ReadonlyArray<readonly Metric[]>): number[] {
  const out = [...samplesOf(own)]
  for (const run of repeats) {
    const r = run.find((x) => x.name === name)
    if (r !== undefined && r.unit === own.unit) out.push(...samplesOf(r))
  }
  return out
}

/** The floor for one metric: the comparison's own for the name, else the metric's (B's, then A's), else the comparison's default, else DEFAULT_MIN_CHANGE_PCT. */
function minChangeOf (name: string, ma: Metric, mb: Metric, asked: MinChange): number {
  return asked.byName?.[name] ?? mb.minChange ?? ma.minChange ?? asked.default ?? DEFAULT_MIN_CHANGE_PCT
}

/** Whether the change reaches the floor; from a baseline of 0 any change does. */
function reaches (delta: number, a: number, minChange: number): boolean {
  return a === 0 ? delta !== 0 : Math.abs(delta) / Math.abs(a) * 100 >= minChange
}

function change (name: string, ma: Metric, mb: Metric, a: MetricRuns, b: MetricRuns, asked: MinChange): MetricChange {
  const delta = mb.value - ma.value
  const base = { name, unit: mb.unit, direction: mb.direction, a: ma.value, b: mb.value, delta, pct: ma.value === 0 ? null : delta / Math.abs(ma.value) * 100 }
  const xa = pooled(name, ma, a.repeats ?? [])
  const xb = pooled(name, mb, b.repeats ?? [])
  const spread = { min: Math.min(...xa), max: Math.max(...xa), n: xa.length }
  const minChange = minChangeOf(name, ma, mb, asked)
  if (ma.unit !== mb.unit) return { ...base, spread, nB: xb.length, p: null, minChange, kind: 'unit-changed' }
  const outside = mb.value < spread.min || mb.value > spread.max
  const p = xa.length >= MIN_MWU_SAMPLES && xb.length >= MIN_MWU_SAMPLES ? mannWhitneyP(xa, xb) : null
  const beyond = reaches(delta, ma.value, minChange) && outside && (p === null || p < MWU_ALPHA)
  const worse = mb.direction === 'higher' ? delta < 0 : delta > 0
  return { ...base, spread, nB: xb.length, p, minChange, kind: !beyond ? 'noise' : worse ? 'regression' : 'improvement' }
}

/** A against B, metric by metric (the first of a name counts), sorted by name in UTF-16 code units. */
export function compareMetrics (a: MetricRuns, b: MetricRuns, asked: MinChange = {}): MetricComparison {
  const ia = byName(a.metrics)
  const ib = byName(b.metrics)
  const changes: MetricChange[] = []
  const removed: Metric[] = []
  for (const [name, ma] of ia) {
    const mb = ib.get(name)
    if (mb === undefined) removed.push(ma)
    else changes.push(change(name, ma, mb, a, b, asked))
  }
  const added = [...ib.values()].filter((m) => !ia.has(m.name))
  const order = (x: { name: string }, y: { name: string }): number => x.name < y.name ? -1 : x.name > y.name ? 1 : 0
  for (const list of [changes, removed, added]) list.sort(order)
  const count = (k: MetricChangeKind): number => changes.filter((c) => c.kind === k).length
  return {
    changes,
    new: added,
    removed,
    counts: { regressions: count('regression'), improvements: count('improvement'), noise: count('noise'), new: added.length, removed: removed.length }
  }
}
