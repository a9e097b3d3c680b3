import type { Decision } from '../../machines/decide.js'
import type { Policy } from '../../machines/policy-file.js'
import type { JobTemplate } from '../../machines/test-selection.js'
import { isCairnError } from '../../protocol/errors.js'
import type { Draft } from '../../protocol/event.js'
import type { CairnNode } from '../node.js'
import { contextRevisions } from '../policy/decide.js'
import { DiffCache } from '../policy/diffs.js'
import type { RevisionEvent } from '../policy/events.js'
import type { PolicyHolder } from '../policy/holder.js'
import { byTsThenId } from '../views/views.js'
import type { IndexedEvent } from '../views/views.js'
import { draftKey, planPass, revisionsToPlan } from './maintainer-plan.js'
import type { DiffRead, Intent } from './maintainer-plan.js'

interface MaintainerOptions {
  policy: PolicyHolder
  /** What auto-submitted jobs name (repo, tags...); null: the node cannot submit jobs and says so once. */
  template: JobTemplate | null
  /** One line per event published. */
  out: (line: string) => void
  /** Problems: a refused policy, a revision that cannot be decided. */
  warn: (line: string) => void
  /** Wait this long after an event before deciding, so a synced batch is decided once. */
  debounceMs?: number
  /** How often to look for a changed policy file and retry revisions whose diffs have not arrived. */
  pollMs?: number
}

interface PassReport {
  decisions: Decision[]
  jobs: Array<Draft<'job.request'>>
  /** Revisions put off until their diff blobs arrive. */
  waiting: string[]
}

type Publish = Extract<Intent, { kind: 'publish-decision' }>
type Submit = Extract<Intent, { kind: 'submit-jobs' }>

/** Diff blobs usually follow their revision within moments of a sync: look again soon, then less often. */
const RETRY_FIRST_MS = 100

const labelOf = (r: RevisionEvent): string => `${r.id.slice(0, 8)} ${r.body.series} v${r.body.version}`

/**
 * A maintainer's node at work (`cairn start --maintainer`): whenever events
 * arrive, read what deciding on the revisions they can affect needs (the
 * policy in force, diff blobs), have maintainer-plan.ts say what to publish,
 * and publish it: job.requests first (the revision is planned again once
 * they are indexed, so its decision names them), then the decisions, one
 * line printed per event. What was published is read back from the node's
 * own feed, so a restart neither repeats a decision nor submits a job twice
 * for a revision and profile.
 */
export class MaintainerLoop {
  private readonly diffs: DiffCache
  private readonly arrived: IndexedEvent[] = []
  private readonly retry = new Set<string>()
  private everything = true
  private running: Promise<void> = Promise.resolve()
  private timer: NodeJS.Timeout | null = null
  private poller: NodeJS.Timeout | null = null
  private unsubscribe: (() => void) | null = null
  private lastError = ''
  private warnedTemplate = false
  private warnedNoPolicy = false
  private stopped = false
  /** Wait before retrying revisions whose diff blobs were not here: doubles up to pollMs while they stay away. */
  private retryMs = RETRY_FIRST_MS
  /** Passes scheduled and not finished. */
  private passes = 0
  /** Jobs posted by this loop (jobKey): never twice, even before the views show them. */
  private readonly submitted = new Set<string>()

  constructor (private readonly node: CairnNode, private readonly opts: MaintainerOptions) {
    this.diffs = new DiffCache(node.blobs)
  }

  start (): void {
    this.unsubscribe = this.node.views.subscribe((e) => {
      this.arrived.push(e)
      this.schedule()
    })
    this.poller = setInterval(() => this.schedule(), this.opts.pollMs ?? 2000)
    this.poller.unref()
    this.schedule(0)
  }

  async stop (): Promise<void> {
    this.stopped = true
    this.unsubscribe?.()
    if (this.timer !== null) clearTimeout(this.timer)
    if (this.poller !== null) clearInterval(this.poller)
    await this.running
  }

  /** Resolves once nothing is scheduled or running: every event seen so far has been decided on (for tests). */
  async idle (): Promise<void> {
    while (this.timer !== null || this.passes > 0) await new Promise((resolve) => setTimeout(resolve, 5))
  }

  private schedule (ms = this.opts.debounceMs ?? 50): void {
    if (this.stopped || this.timer !== null) return
    this.timer = setTimeout(() => {
      this.passes++
      this.timer = null
      this.running = this.running.then(async () => {
        if (this.stopped) return
        await this.pass()
        if (this.retry.size === 0) this.retryMs = RETRY_FIRST_MS
        else {
          this.schedule(this.retryMs)
          this.retryMs = Math.min(this.retryMs * 2, this.opts.pollMs ?? 2000)
        }
      }).catch((err: unknown) => this.opts.warn(`maintainer: ${(err as Error).stack ?? String(err)}`)).finally(() => { this.passes-- })
    }, ms)
  }

  /** One round: plan for every revision touched since the last round, carry the plan out. */
  async pass (): Promise<PassReport> {
    const report: PassReport = { decisions: [], jobs: [], waiting: [] }
    const policy = this.policyInForce()
    if (policy === null) return report
    const views = this.node.views
    const arrived = this.arrived.splice(0)
    const revisions = revisionsToPlan(views, this.everything ? 'all' : arrived, this.retry)
    this.everything = false
    this.retry.clear()
    if (policy.autoSubmit && this.opts.template === null && !this.warnedTemplate && revisions.length > 0) {
      this.warnedTemplate = true
      this.opts.warn('the policy says autoSubmit: true, but no --jobs-repo was given: no jobs are submitted')
    }
    const diffs = await this.readDiffs(revisions)
    const decisions: Publish[] = []
    // A revision that got jobs is planned again: its decision then names them.
    let round = revisions
    while (round.length > 0) {
      const again: RevisionEvent[] = []
      for (const intent of planPass({ views, policy, template: this.opts.template, revisions: round, diffs, submitted: this.submitted })) {
        if (this.stopped) break
        if (intent.kind === 'submit-jobs') {
          await this.submit(intent, report)
          again.push(intent.revision)
        } else if (intent.kind === 'publish-decision') decisions.push(intent)
        else if (intent.kind === 'wait') {
          this.retry.add(intent.revision.id)
          report.waiting.push(intent.revision.id)
        } else this.opts.warn(`cannot decide on ${labelOf(intent.revision)}: ${intent.reason}`)
      }
      round = again
    }
    await this.publish(decisions.sort((a, b) => byTsThenId(a.revision, b.revision)), report)
    return report
  }

  /** The policy in force, saying once when it changes, when a new one is refused, and while there is none. */
  private policyInForce (): Policy | null {
    const state = this.opts.policy.refresh()
    if (state.error !== null && state.error.message !== this.lastError) {
      this.opts.warn(`${state.error.message}; ${state.policy === null ? 'no policy is in force yet' : 'the previous policy stays in force'}`)
    }
    this.lastError = state.error?.message ?? ''
    if (state.changed && state.hash !== null) {
      this.opts.out(`policy   ${state.hash.slice(0, 12)} in force (${state.origin ?? ''})`)
      this.everything = true
    }
    if (state.policy === null) {
      if (!this.warnedNoPolicy && state.error === null) this.opts.warn('maintainer: no policy set yet (cairn policy set FILE); deciding starts once there is one')
      this.warnedNoPolicy = true
    }
    return state.policy
  }

  /** The diff facts planning reads; per revision, reading stops at the first blob that fails. */
  private async readDiffs (revisions: readonly RevisionEvent[]): Promise<Map<string, DiffRead>> {
    const read = new Map<string, DiffRead>()
    for (const revision of revisions) {
      if (this.stopped) break
      for (const r of contextRevisions(this.node.views, revision)) {
        if (read.has(r.id)) continue
        try {
          read.set(r.id, await this.diffs.get(r))
        } catch (err) {
          if (!isCairnError(err)) throw err
          read.set(r.id, err)
          break
        }
      }
    }
    return read
  }

  private async submit ({ revision, jobs }: Submit, report: PassReport): Promise<void> {
    const keys = jobs.map((j) => draftKey(revision.id, j.body))
    for (const k of keys) this.submitted.add(k)
    const posted = await this.node.postMany(jobs).catch((err: unknown) => {
      for (const k of keys) this.submitted.delete(k) // not published: a later pass may try again
      throw err
    })
    await this.node.indexer.run()
    for (const e of posted) {
      const body = e.body as Submit['jobs'][number]['body']
      this.opts.out(`job      ${labelOf(revision)}: requested ${body.revision === undefined ? 'the baseline of ' : ''}${body.profile} (${e.id.slice(0, 12)})`)
    }
    report.jobs.push(...jobs)
  }

  private async publish (decisions: readonly Publish[], report: PassReport): Promise<void> {
    if (decisions.length === 0) return
    const posted = await this.node.postMany(decisions.map(({ revision, decision }) => ({ type: 'decision' as const, body: decision, refs: [revision.id] })))
    await this.node.indexer.run()
    posted.forEach((e, i) => {
      const { revision, decision } = decisions[i] as Publish
      this.opts.out(`decision ${labelOf(revision)}: ${decision.verdict} (${decision.state}) ${e.id.slice(0, 12)}`)
      report.decisions.push(decision)
    })
  }
}
