/**
 * What the CI daemon (`cairn start --ci`) is to do, from the views alone:
 * which revisions get jobs, which get their verdict mail, and which verdict
 * is in an unknown state. The executor (ci.ts) carries the intents out.
 * Everything the loop did is read back from this node's own feed: jobs are
 * its job.requests, verdicts its `note` events with the subjects below, so
 * a restart, a re-ingest or a republication repeats nothing.
 */
import type { CiConfig } from '../../machines/ci-config.js'
import { seriesMatches } from '../../machines/ci-config.js'
import { gatedRegressions } from '../../machines/metric-gate.js'
import type { MetricGate } from '../../machines/metric-gate.js'
import type { MetricChange } from '../../protocol/metrics.js'
import { baselineJobs, jobCancelled, jobRequest, jobsOfRevision, trustedRunners } from '../views/jobs.js'
import type { JobRequest } from '../views/jobs.js'
import { metricComparison } from '../wire/results.js'
import { resolveResult, resultsOfJob } from '../views/results.js'
import type { ResultEvent } from '../views/results.js'
import { presentPatches } from '../views/series/index.js'
import type { RevisionView, SeriesView } from '../views/series/index.js'
import { byTsThenId } from '../views/views.js'
import type { IndexedEvent, Views } from '../views/views.js'

/** Note subjects of the CI's own records. */
export const CI_NOTES = {
  /** The CI was first switched on for this home: only revisions that arrive from then on are tested. */
  start: 'cairn-ci start',
  /** A verdict mail is about to be sent (refs: the revision): posted before sending, so it is sent at most once. */
  verdict: 'cairn-ci verdict',
  /** How the send went (refs: the revision, then the verdict record). */
  sent: 'cairn-ci verdict sent',
  failed: 'cairn-ci verdict failed'
} as const

export type CiIntent =
  /** The series' touched paths are needed (a paths filter) and not read yet. */
  | { kind: 'read-paths', revision: RevisionView }
  /** Post one job.request per profile. */
  | { kind: 'submit-jobs', revision: RevisionView, profiles: string[] }
  /** The metric gate compares with the baseline, and these series jobs' baselines have no job yet: post them. */
  | { kind: 'submit-baselines', revision: RevisionView, jobs: JobRequest[] }
  /** Every required result is in (and its baseline's, with a metric gate): record the verdict, then send it; `metrics` the gated regressions. */
  | { kind: 'send-verdict', revision: RevisionView, metrics: MetricFinding[] }
  /** A verdict was recorded and nothing says how its sending went (the daemon stopped while sending): it is never sent again. */
  | { kind: 'verdict-unknown', revision: RevisionView, record: IndexedEvent }

export interface CiPlanInput {
  views: Views
  config: CiConfig
  /** The ts of this node's CI start note: older revisions are history, not tested. */
  since: number
  /** Touched paths per revision EventId, as read (only needed with a paths filter). */
  touched: ReadonlyMap<string, readonly string[]>
  /** Jobs this process posted (ciJobKey, ciBaselineKey), before the views show them. */
  submitted: ReadonlySet<string>
  /** Revisions (their in-force EventId) whose verdict this process is sending or has reported on. */
  handled: ReadonlySet<string>
}

/** A gated metric that regressed in a profile's run against its baseline's. */
export interface MetricFinding { profile: string, result: string, baseline: string, change: MetricChange }

export const ciJobKey = (revision: string, profile: string): string => `${revision}\u0000${profile}`
export const ciBaselineKey = (revision: string, profile: string): string => ciJobKey(revision, `baseline ${profile}`)

/** The start note in force: the first this node posted; null before the CI ever ran. */
export function ciStart (views: Views): IndexedEvent | null {
  return ownNotes(views, CI_NOTES.start)[0] ?? null
}

/** The intents for every revision the configuration tests, oldest first. */
export function planCi (input: CiPlanInput): CiIntent[] {
  const { views } = input
  const trusted = (author: string): boolean => author === views.root || views.trust.get(author)?.has('bridge') === true
  const out: CiIntent[] = []
  const revisions = seriesSince(views, input.since).flatMap((s) => s.revisions.map((r) => ({ series: s, revision: r })))
  revisions.sort((a, b) => byTsThenId(a.revision, b.revision))
  for (const { series, revision } of revisions) {
    if (!trusted(revision.author) || firstSeen(views, revision) < input.since) continue
    if (presentPatches(revision.body) < revision.body.total) continue // the rest of the series is still on its way
    const record = revision.eventIds.map((id) => verdictRecord(views, id)).find((r) => r !== undefined)
    if (record !== undefined) {
      if (!input.handled.has(revision.id) && !hasOutcome(views, record)) out.push({ kind: 'verdict-unknown', revision, record })
      continue
    }
    const facts = { list: revision.body.source.list, subject: series.subject }
    if (!seriesMatches(input.config, facts, null)) continue
    const touched = input.touched.get(revision.id)
    if (input.config.series.paths.length > 0 && touched === undefined) {
      out.push({ kind: 'read-paths', revision })
      continue
    }
    if (!seriesMatches(input.config, facts, touched ?? null)) continue
    const jobs = ownJobs(views, revision)
    const missing = input.config.profiles.filter((p) => !jobs.has(p) && !input.submitted.has(ciJobKey(revision.id, p)))
    if (missing.length > 0) out.push({ kind: 'submit-jobs', revision, profiles: missing })
    else if (!input.handled.has(revision.id)) {
      const next = verdictStep(input, revision, jobs)
      if (next !== null) out.push(next)
    }
  }
  return out
}

/** Once the jobs are posted: the baselines a metric gate needs, else the verdict when every result it waits for is in. */
function verdictStep (input: CiPlanInput, revision: RevisionView, jobs: ReadonlyMap<string, string[]>): CiIntent | null {
  const { views, config } = input
  const results = new Map<string, ResultEvent>()
  for (const p of config.required) {
    const r = requiredResult(views, jobs.get(p) ?? [])
    if (r !== null) results.set(p, r)
  }
  // A cancelled job is never run: its profile is settled without a result, and the verdict says it was not tested (not resubmitted: someone chose to stop it)
  const cancelled = config.required.filter((p) => !results.has(p) && (jobs.get(p) ?? []).length > 0 && (jobs.get(p) ?? []).every((j) => jobCancelled(views, j)))
  if (cancelled.length > 0) return results.size + cancelled.length === config.required.length ? { kind: 'send-verdict', revision, metrics: [] } : null
  const gate = config.metrics
  if (gate === null) return results.size === config.required.length ? { kind: 'send-verdict', revision, metrics: [] } : null
  const seriesJobs = config.required.map((p) => jobRequest(views, jobs.get(p)?.[0] ?? '')).filter((j): j is JobRequest => j !== null)
  const lacking = seriesJobs.filter((j) => baselineJobs(views, j.body).length === 0 && !input.submitted.has(ciBaselineKey(revision.id, j.body.profile)))
  if (lacking.length > 0) return { kind: 'submit-baselines', revision, jobs: lacking }
  if (results.size < config.required.length) return null
  const metrics = gateFindings(views, gate, seriesJobs, results)
  return typeof metrics === 'string' ? null : { kind: 'send-verdict', revision, metrics }
}

/**
 * What the metric gate finds in the revision's required runs against their
 * baselines' (the CI's verdict fails on any), for `cairn mail verdict --ci`
 * as for the loop; what is missing (a run, a baseline's run) when it cannot
 * judge yet.
 */
export function metricFindings (views: Views, config: CiConfig, revision: RevisionView): MetricFinding[] | string {
  if (config.metrics === null) return []
  const jobs = ownJobs(views, revision)
  const results = new Map<string, ResultEvent>()
  for (const p of config.required) {
    const r = requiredResult(views, jobs.get(p) ?? [])
    if (r === null) return `no result of ${p} from a trusted runner for this node's job`
    results.set(p, r)
  }
  const seriesJobs = config.required.map((p) => jobRequest(views, jobs.get(p)?.[0] ?? '')).filter((j): j is JobRequest => j !== null)
  return gateFindings(views, config.metrics, seriesJobs, results)
}

/** The gated regressions of each series job's run against its baseline's; what is missing when a baseline has no run yet. */
function gateFindings (views: Views, gate: MetricGate, seriesJobs: readonly JobRequest[], results: ReadonlyMap<string, ResultEvent>): MetricFinding[] | string {
  const metrics: MetricFinding[] = []
  for (const job of seriesJobs) {
    const baseline = requiredResult(views, baselineJobs(views, job.body).map((j) => j.id))
    if (baseline === null) return `no result of ${job.body.profile}'s baseline (the series' base as it is) from a trusted runner`
    metrics.push(...findings(views, gate, job.body.profile, baseline, results.get(job.body.profile) as ResultEvent))
  }
  return metrics
}

/** The gated regressions of a run against its baseline; none when either did not run its tests (an error, a patch that did not apply). */
function findings (views: Views, gate: MetricGate, profile: string, baseline: ResultEvent, result: ResultEvent): MetricFinding[] {
  const ran = (r: ResultEvent): boolean => r.body.verdict === 'pass' || r.body.verdict === 'fail'
  if (!ran(baseline) || !ran(result)) return []
  const changes = metricComparison(views, baseline, result, gate.minChange).changes
  return gatedRegressions(gate, changes).map((change) => ({ profile, result: result.id, baseline: baseline.id, change }))
}

/** The series with an event in force at or after `since`: those of the revisions first seen since then, and a few more. */
function seriesSince (views: Views, since: number): SeriesView[] {
  return views.read(() => {
    const out: SeriesView[] = []
    views.series.walk({ since }, (row) => {
      const s = views.series.get(row.id)
      if (s !== undefined) out.push(s)
      return true
    })
    return out
  })
}

/** This node's notes with the subject, oldest first: its own feed's notes (by author and type), not every note. */
function ownNotes (views: Views, subject: string): IndexedEvent[] {
  return views.query({ type: 'note', author: views.root }).filter((e) => e.type === 'note' && e.body.subject === subject)
}

/** This node's notes naming `id` with one of the subjects, oldest first: through event_refs, only its own notes decoded. */
function ownNotesNaming (views: Views, id: string, subjects: readonly string[]): IndexedEvent[] {
  return views.referencing(id, { type: 'note', author: views.root }).filter((e) => e.type === 'note' && subjects.includes(e.body.subject ?? ''))
}

/** This node's first verdict record naming the revision EventId. */
function verdictRecord (views: Views, revision: string): IndexedEvent | undefined {
  return ownNotesNaming(views, revision, [CI_NOTES.verdict])[0]
}

function hasOutcome (views: Views, record: IndexedEvent): boolean {
  return ownNotesNaming(views, record.id, [CI_NOTES.sent, CI_NOTES.failed]).length > 0
}

/** When the revision first arrived: the oldest of its events (a republication is not a new revision). */
function firstSeen (views: Views, revision: RevisionView): number {
  let ts = revision.ts
  for (const id of revision.eventIds) ts = Math.min(ts, views.event(id)?.ts ?? ts)
  return ts
}

/** Profile -> this node's job requests for the revision (any of its events). */
function ownJobs (views: Views, revision: RevisionView): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const id of revision.eventIds) {
    for (const job of jobsOfRevision(views, id)) {
      if (job.author !== views.root) continue
      out.set(job.body.profile, [...out.get(job.body.profile) ?? [], job.id])
    }
  }
  return out
}

/**
 * The newest result from a trusted runner for any of these jobs (a reused
 * result resolved); null while none is in. A failed run is a result (an
 * error or a patch that does not apply, with no tests: its verdict says
 * so); an aborted one is not: the job goes back to the queue for another run.
 */
function requiredResult (views: Views, jobs: readonly string[]): ResultEvent | null {
  const runners = new Set(trustedRunners(views))
  const results = jobs.flatMap((j) => resultsOfJob(views, j)).filter((r) => runners.has(r.author) && r.body.verdict !== 'aborted').sort(byTsThenId)
  const last = results[results.length - 1]
  return last === undefined ? null : resolveResult(views, last)
}
