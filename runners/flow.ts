/**
 * `cairn flow`: from a repo and a series revision to a comparison in one
 * step. The baseline (the revision's base as it is) and the series job are
 * ordinary jobs: one already posted with the same inputs is waited for, not
 * posted again, and a runner reuses any trusted result of the same test-run
 * identity, so a baseline some lab already tested costs nothing. When no
 * other trusted runner serves the tags, a runner in this process runs them.
 */
import type { CairnNode } from '../node/node.js'
import { jobOfInputs, jobRequest, jobView, listJobs, trustedRunners } from '../node/views/jobs.js'
import type { JobView } from '../node/views/jobs.js'
import { resolveResult } from '../node/views/results.js'
import type { ResultEvent } from '../node/views/results.js'
import type { IndexedEvent, Views } from '../node/views/views.js'
import { compareJson } from '../node/wire/results.js'
import type { ComparisonJson } from '../node/wire/types.js'
import { CairnError } from '../protocol/errors.js'
import type { BodyOf } from '../protocol/schemas.js'
import { Runner } from './runner.js'
import { findRevision } from './series.js'
import { jobRequestBody } from './submit.js'
import type { SubmitOptions } from './submit.js'

type RevisionEvent = IndexedEvent & { type: 'series.revision' }

interface FlowOptions extends Omit<SubmitOptions, 'series' | 'ref'> {
  /** The series revision (id, prefix or series id). */
  series: string
  /** Where a local runner works (default: HOME/runner). */
  workdir: string
  log: (line: string) => void
  /** Resolves when the user interrupts: the flow ends FLOW_UNSETTLED. */
  stopped: Promise<void>
  /** The archive cut-off (ms): a job whose result was published before it is not taken as run; a new job is posted, which a runner may answer by reusing that run. */
  since?: number
}

export interface FlowJob { job: string, posted: boolean, result: ResultEvent }

export interface FlowOutcome {
  revision: RevisionEvent
  baseline: FlowJob
  series: FlowJob
  /** Whether this process ran a runner (no other trusted runner serves the tags). */
  ranLocally: boolean
  /** Baseline against series; null when the series run says nothing about tests (it did not apply, or errored). */
  comparison: ComparisonJson | null
}

const LEASE_MS = 10 * 60_000
const SERVING_WINDOW_MS = 24 * 3600_000

/** The revision a flow tests: --series, else the one whose Message-IDs the mbox holds. */
export function flowRevision (views: Views, pick: { series?: string, messageIds?: readonly string[] }): RevisionEvent {
  if (pick.series !== undefined) return findRevision(views, pick.series)
  const bare = (m: string): string => m.replace(/^<|>$/g, '')
  const ids = new Set((pick.messageIds ?? []).map(bare))
  const all = (views.ofType('series.revision')) as RevisionEvent[]
  const found = all.filter((e) => e.body.source?.messageIds?.some((m) => ids.has(bare(m))) === true)
  const newest = found.sort((a, b) => a.ts - b.ts)[found.length - 1]
  if (newest === undefined) {
    throw new CairnError('FLOW_NO_SERIES', pick.messageIds === undefined
      ? 'give the series: --series ID, or --mbox FILE holding its mails'
      : `the mbox holds no patch series (none of its ${ids.size} Message-IDs is a series revision's mail)`)
  }
  return newest
}

export async function runFlow (node: CairnNode, opts: FlowOptions): Promise<FlowOutcome> {
  const revision = findRevision(node.views, opts.series)
  const common: SubmitOptions = { ...opts, series: revision.id }
  const seriesReq = await jobRequestBody(node.views, common)
  const { series: _, ...baseOpts } = common
  const baselineReq = await jobRequestBody(node.views, { ...baseOpts, ref: opts.base ?? revision.body.base ?? seriesReq.body.base })
  const baseline = await jobFor(node, baselineReq.body, [], opts, 'baseline')
  const series = await jobFor(node, seriesReq.body, seriesReq.refs, opts, 'series')
  const ranLocally = !servedElsewhere(node.views, seriesReq.body.tags, node.identityKey)
  let runner: Runner | null = null
  if (ranLocally) {
    runner = new Runner(node, { tags: seriesReq.body.tags, workdir: opts.workdir, jobs: 1, leaseMs: LEASE_MS, log: opts.log })
    await runner.start()
  } else {
    opts.log('waiting for a trusted runner that serves these tags')
  }
  try {
    const [b, s] = await Promise.all([settled(node.views, baseline.job, opts.stopped), settled(node.views, series.job, opts.stopped)])
    const baseRun = resolveResult(node.views, b)
    if (baseRun === null || !['pass', 'fail'].includes(baseRun.body.verdict)) {
      throw new CairnError('FLOW_UNSETTLED', `the baseline job ${baseline.job.slice(0, 12)} ended ${b.body.verdict}${b.body.message === undefined ? '' : `: ${b.body.message}`}; nothing to compare the series against`)
    }
    const seriesRun = resolveResult(node.views, s)
    const comparable = seriesRun !== null && ['pass', 'fail'].includes(seriesRun.body.verdict)
    return {
      revision,
      baseline: { ...baseline, result: b },
      series: { ...series, result: s },
      ranLocally,
      comparison: comparable ? compareJson(node.views, b, s) : null
    }
  } finally {
    await runner?.stop()
  }
}

/** The job of these inputs already posted and not cancelled, errored or archived, else a new one. */
async function jobFor (node: CairnNode, body: BodyOf<'job.request'>, refs: string[], { log, since }: Pick<FlowOptions, 'log' | 'since'>, what: string): Promise<{ job: string, posted: boolean }> {
  const archived = (j: JobView): boolean => since !== undefined && j.result !== null && (node.views.event(j.result)?.ts ?? since) < since
  const earlier = jobOfInputs(node.views, body, Date.now(), (j) => !archived(j))
  if (earlier !== undefined) {
    log(`${what} job ${earlier.id.slice(0, 12)} (posted before, ${earlier.state})`)
    return { job: earlier.id, posted: false }
  }
  const job = (await node.post('job.request', body, refs)).id
  log(`${what} job ${job.slice(0, 12)} posted`)
  return { job, posted: true }
}

/** A trusted runner other than us claimed a job these tags fit within the last day. */
function servedElsewhere (views: Views, tags: readonly string[], me: string): boolean {
  const others = new Set(trustedRunners(views).filter((r) => r !== me))
  const since = Date.now() - SERVING_WINDOW_MS
  return (views.ofType('job.claim')).some((e) => {
    if (e.type !== 'job.claim' || e.ts < since || !others.has(e.author)) return false
    const served = jobRequest(views, e.body.job)?.body.tags ?? []
    return tags.every((t) => served.includes(t))
  })
}

/** The job's first result that is not an abort; FLOW_UNSETTLED when the job is cancelled or the user stops. */
async function settled (views: Views, job: string, stopped: Promise<void>): Promise<ResultEvent> {
  return await new Promise((resolve, reject) => {
    let unsubscribe = (): void => {}
    const check = (): boolean => {
      const view = jobView(views, job, Date.now())
      const result = view?.result === null || view?.result === undefined ? undefined : views.event(view.result)
      if (result !== undefined && result.type === 'result' && result.body.verdict !== 'aborted') {
        unsubscribe()
        resolve(result as ResultEvent)
        return true
      }
      if (view?.cancelled === true) {
        unsubscribe()
        reject(new CairnError('FLOW_UNSETTLED', `job ${job.slice(0, 12)} was cancelled before it settled`))
        return true
      }
      return false
    }
    if (check()) return
    unsubscribe = views.subscribe(() => { check() })
    void stopped.then(() => {
      unsubscribe()
      reject(new CairnError('FLOW_UNSETTLED', `interrupted before job ${job.slice(0, 12)} settled; it stays posted, and cairn flow again waits for it`))
    })
  })
}
