/**
 * The policy's metric gate over a revision's facts (machines/facts.ts): a
 * required result whose gated metrics regressed against its baseline
 * counts as failed, as a failed test does; one whose baseline has no
 * result yet is not counted yet (the revision needs tests). The baseline of
 * a series job is the job of the same inputs with no series
 * (job-inputs.ts), its newest trusted result the reference, and the other
 * trusted runs of that result's test-run identity its noise, as `results
 * compare` weighs them. Only the events given are read, so a decision
 * replays from its inputs.
 */
import type { CairnEvent } from '../protocol/event.js'
import { compareMetrics } from '../protocol/metrics.js'
import type { BodyOf } from '../protocol/schemas.js'
import { baselineOf, jobInputsKey } from './job-inputs.js'
import { gatedRegressions } from './metric-gate.js'
import type { MetricGate } from './metric-gate.js'
import { short } from './order.js'
import type { Fact } from './revision-context.js'

type Result = CairnEvent<'result'>
type ResultFact = Fact & { type: 'result' }

/** Which gated result fact, of which series job, holding which run's metrics. */
interface Pending { fact: ResultFact, job: BodyOf<'job.request'>, run: Result }

const ran = (r: Result): boolean => r.body.verdict === 'pass' || r.body.verdict === 'fail'
const num = (x: number): string => String(Number(x.toPrecision(6)))

export class MetricFacts {
  /** Baseline job id -> its inputs key. */
  private readonly baselineJobs = new Map<string, string>()
  /** Inputs key -> trusted, non-aborted results of its baseline jobs, in event order. */
  private readonly baselines = new Map<string, Result[]>()
  /** Test-run identity -> trusted runs (not reuses), in event order: a baseline's noise. */
  private readonly runs = new Map<string, Result[]>()
  private readonly pending: Pending[] = []

  constructor (private readonly gate: MetricGate, private readonly resolve: (e: Result) => Result | null) {}

  job (e: CairnEvent<'job.request'>): void {
    if (e.body.revision === undefined) this.baselineJobs.set(e.id, jobInputsKey(e.body))
  }

  /** A result from a trusted runner. */
  result (e: Result): void {
    if (e.body.verdict !== 'reused') this.runs.set(e.body.testRun, [...this.runs.get(e.body.testRun) ?? [], e])
    const key = e.body.job === undefined ? undefined : this.baselineJobs.get(e.body.job)
    if (key !== undefined && e.body.verdict !== 'aborted') this.baselines.set(key, [...this.baselines.get(key) ?? [], e])
  }

  /** A required result's fact, to be weighed against its baseline at the end. */
  gated (fact: ResultFact, job: BodyOf<'job.request'>, e: Result): void {
    const run = this.resolve(e)
    if (run !== null) this.pending.push({ fact, job, run })
  }

  /** The facts with the gate applied; what it read goes into `inputs`, what it found into `notes`. */
  apply (facts: readonly Fact[], inputs: Set<string>, notes: string[]): Fact[] {
    const replaced = new Map<Fact, Fact | null>()
    for (const { fact, job, run } of this.pending) {
      const found = this.baselines.get(jobInputsKey(baselineOf(job))) ?? []
      const last = found[found.length - 1]
      const baseline = last === undefined ? null : this.resolve(last)
      if (last === undefined || baseline === null) {
        replaced.set(fact, null)
        notes.push(`result ${short(fact.id)} (${fact.profile}) waits for its baseline's result: the policy gates metrics`)
        continue
      }
      inputs.add(last.id).add(baseline.id)
      if (last.body.job !== undefined) inputs.add(last.body.job) // the baseline job: what makes `last` a baseline on replay
      if (fact.verdict !== 'pass' || !ran(baseline) || !ran(run)) continue
      const repeats = (this.runs.get(baseline.body.testRun) ?? []).filter((r) => r.id !== baseline.id)
      for (const r of repeats) inputs.add(r.id)
      const comparison = compareMetrics({ metrics: baseline.body.metrics ?? [], repeats: repeats.map((r) => r.body.metrics ?? []) }, { metrics: run.body.metrics ?? [] }, this.gate.minChange)
      const regressed = gatedRegressions(this.gate, comparison.changes)
      if (regressed.length === 0) continue
      replaced.set(fact, { ...fact, verdict: 'fail' })
      for (const c of regressed) {
        notes.push(`result ${short(fact.id)} (${fact.profile}) fails the metric gate: ${c.name} ${num(c.a)} -> ${num(c.b)} ${c.unit}${c.pct === null ? '' : ` (${c.pct.toFixed(1)}%)`}, ${c.direction} is better, against baseline result ${short(baseline.id)}`)
      }
    }
    return facts.flatMap((f) => {
      const r = replaced.get(f)
      return r === undefined ? [f] : r === null ? [] : [r]
    })
  }
}
