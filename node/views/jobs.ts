/**
 * Jobs as this node sees them: every job.request with the claims, progress,
 * results and cancellations that answer it, folded by the job lifecycle
 * machine (machines/job-lifecycle.ts). The grouping is derived once per
 * views version; the fold runs at the caller's `now`, because a lease
 * expires with time and not with events.
 */
import { baselineOf, jobInputsKey } from '../../machines/job-inputs.js'
import { foldJob } from '../../machines/job-lifecycle.js'
import type { JobState } from '../../machines/job-lifecycle.js'
import type { IndexedEvent, Views } from './views.js'

export type JobRequest = IndexedEvent & { type: 'job.request' }
export type JobStateName = JobState['state']
export const JOB_STATES: readonly JobStateName[] = ['queued', 'claimed', 'running', 'done', 'failed', 'aborted']

/** The job.progress state that cancels a job (posted by `cairn job cancel`). */
export const CANCELLED = 'cancelled'

/** The job.progress step a runner posts when its launch gates keep it from taking a queued job. */
export const GATE_STEP = 'gate waiting'

export interface JobView {
  id: string
  request: JobRequest
  state: JobStateName
  /** Cancelled by its author or a maintainer; the state then reads aborted unless a result came first. */
  cancelled: boolean
  /** A runner holds a live lease (claimed or running), cancelled or not. */
  leased: boolean
  runner: string | null
  leaseUntil: number | null
  attempts: number
  /** Runners whose lease ran out, in order. */
  expired: string[]
  verdict: JobState['verdict']
  /** The result event that settled the job, if any. */
  result: string | null
  /** Queued, and the last word of a runner is that a launch gate holds it back: which gate and why. */
  waiting: string | null
}

/**
 * Identities whose claims and results count here: those trusted with the
 * runner role, and this node's own (a node runs its own jobs without
 * trusting itself explicitly: its feed is its own signature).
 */
export function trustedRunners (views: Views): string[] {
  return views.derive('jobs/runners', (v) => {
    const out = [v.root]
    for (const [key, roles] of v.trust) if (roles.has('runner') && key !== v.root) out.push(key)
    return out.sort()
  })
}

/** Who may cancel a job: whoever requested it, a maintainer, or this node itself. */
export function mayCancel (views: Views, request: JobRequest, who: string): boolean {
  return who === request.author || who === views.root || views.trust.get(who)?.has('maintainer') === true
}

export function jobRequest (views: Views, id: string): JobRequest | null {
  const e = /^[0-9a-f]{64}$/.test(id) ? views.event(id) : undefined
  return e?.type === 'job.request' ? e as JobRequest : null
}

/** The job requests that test a revision (one series.revision EventId), oldest first by (ts, id). */
export function jobsOfRevision (views: Views, revision: string): JobRequest[] {
  return views.keyed('job.revision', revision) as JobRequest[]
}

/** Where one job stands at `now` (ms). */
export function jobView (views: Views, id: string, now: number): JobView | null {
  const request = jobRequest(views, id)
  if (request === null) return null
  const answers = jobAnswers(views, id)
  const runners = trustedRunners(views)
  const folded = foldJob(id, answers, now, { runners })
  const cancelled = cancelledBy(views, request, answers)
  let result: string | null = null
  for (const e of answers) {
    if (e.type !== 'result' || !runners.includes(e.author)) continue
    result = e.id
    if (e.body.verdict !== 'aborted') break // the machine stops at the first non-aborted result
  }
  const settled = folded.state === 'done' || folded.state === 'failed'
  const state = cancelled && !settled ? 'aborted' : folded.state
  return {
    id,
    request,
    state,
    cancelled,
    leased: folded.state === 'claimed' || folded.state === 'running',
    runner: folded.runner,
    leaseUntil: folded.leaseUntil,
    attempts: folded.attempts,
    expired: folded.expired,
    verdict: folded.verdict,
    result,
    waiting: state === 'queued' ? gateWaiting(answers, runners) : null
  }
}

/** Whether the job's author or a maintainer cancelled it (false for an unknown job). */
export function jobCancelled (views: Views, id: string): boolean {
  const request = jobRequest(views, id)
  return request !== null && cancelledBy(views, request, jobAnswers(views, id))
}

/** Whether its author or a maintainer cancelled the job, among its answers. */
function cancelledBy (views: Views, request: JobRequest, answers: readonly IndexedEvent[]): boolean {
  return answers.some((e) => e.type === 'job.progress' && e.body.state === CANCELLED && mayCancel(views, request, e.author))
}

/** The detail of the last `gate waiting` progress of a trusted runner, unless a claim came after it. */
function gateWaiting (answers: readonly IndexedEvent[], runners: readonly string[]): string | null {
  for (let i = answers.length - 1; i >= 0; i--) {
    const e = answers[i] as IndexedEvent
    if (!runners.includes(e.author)) continue
    if (e.type === 'job.claim') return null
    if (e.type === 'job.progress' && e.body.step === GATE_STEP) return e.body.detail ?? 'a launch gate'
  }
  return null
}

/** Job requests per read while every job is walked. */
const PAGE = 64

/**
 * Every job, oldest first by (ts, id), optionally only those in one state,
 * read a page of job rows at a time: a caller that streams them (job list)
 * holds a page, not the history.
 */
export function * eachJob (views: Views, now: number, filter: { state?: JobStateName } = {}): Generator<JobView> {
  // A job a trusted runner's result settled is done or failed for good: a runner's poll for queued work reads the others only.
  if (filter.state !== undefined && filter.state !== 'done' && filter.state !== 'failed') {
    for (const request of views.read(() => views.unsettledJobs(trustedRunners(views)))) {
      const view = jobView(views, request.id, now) as JobView
      if (view.state === filter.state) yield view
    }
    return
  }
  for (let page = views.jobsAfter(null, PAGE); page.length > 0;) {
    for (const request of page) {
      const view = jobView(views, request.id, now) as JobView
      if (filter.state === undefined || view.state === filter.state) yield view
    }
    const last = page[page.length - 1] as IndexedEvent
    page = page.length < PAGE ? [] : views.jobsAfter(last, PAGE)
  }
}

/** Every job, oldest first by (ts, id), optionally only those in one state. */
export function listJobs (views: Views, now: number, filter: { state?: JobStateName } = {}): JobView[] {
  return [...eachJob(views, now, filter)]
}

/** Jobs whose id starts with a hex prefix, oldest first. */
export function jobsByPrefix (views: Views, prefix: string, now: number): JobView[] {
  return views.keyed('job.idPrefix', prefix).map((request) => jobView(views, request.id, now) as JobView)
}

/**
 * A job already posted with these inputs (repo, commit, revision, recipe,
 * profile, tags) that is still worth waiting for or has a result to show:
 * not cancelled, aborted or errored. Posting the same inputs again would
 * only be answered by a reused result. `keep`: which jobs may stand (one
 * identity's, those not archived). Reads the jobs of these inputs only.
 */
export function jobOfInputs (views: Views, body: JobRequest['body'], now: number, keep: (j: JobView) => boolean = () => true): JobView | undefined {
  for (const request of views.keyed('job.inputs', jobInputsKey(body))) {
    const j = jobView(views, request.id, now) as JobView
    if (!j.cancelled && j.state !== 'aborted' && j.verdict !== 'error' && keep(j)) return j
  }
  return undefined
}

/** Jobs of any author that test a series job's baseline (`baselineOf`) and were not cancelled, oldest first (the job rows of those inputs). */
export function baselineJobs (views: Views, seriesJob: JobRequest['body']): JobRequest[] {
  const of = views.keyed('job.inputs', jobInputsKey(baselineOf(seriesJob))) as JobRequest[]
  return of.filter((j) => !cancelledBy(views, j, jobAnswers(views, j.id)))
}

/** Ids of the jobs `runner` ever claimed (for a restarted runner looking for unfinished work). */
export function jobsClaimedBy (views: Views, runner: string): string[] {
  return views.claimedBy(runner)
}

/** The claims, progress and results that answer a job, in (ts, id) order. */
export function jobAnswers (views: Views, id: string): IndexedEvent[] {
  return views.keyed('job.answers', id)
}
