import type { Decision } from '../../machines/decide.js'
import type { JobTemplate } from '../../machines/test-selection.js'
import { isCairnError } from '../../protocol/errors.js'
import type { Draft } from '../../protocol/event.js'
import type { CairnNode } from '../node.js'
import { latestDecision } from '../views/decisions.js'
import { byTsThenId } from '../views/views.js'
import type { IndexedEvent } from '../views/views.js'
import { decideRevision } from './decide.js'
import { DiffCache } from './diffs.js'
import type { RevisionEvent } from './events.js'
import { affectedBy, revisionEvent } from './events.js'
import type { PolicyHolder } from './holder.js'
import { missingJobs } from './jobs.js'

export interface MaintainerOptions {
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

export interface PassReport {
  decisions: Decision[]
  jobs: Array<Draft<'job.request'>>
  /** Revisions put off until their diff blobs arrive. */
  waiting: string[]
}

/** Diff blobs usually follow their revision within moments of a sync: look again soon, then less often. */
const RETRY_FIRST_MS = 100

/** States in which a revision needs no more tests: nothing is submitted for it. */
const SETTLED = new Set(['superseded', 'merged', 'rejected'])

/**
 * A maintainer's node at work (`cairn start --maintainer`): whenever events
 * arrive, decide again on the revisions they can affect, publish a
 * `decision` when a revision's verdict differs from the last one this node
 * published on it (the first one included), and, when the policy says
 * `autoSubmit: true`, post the job.requests test selection asks for. What
 * was published is read back from the node's own feed, so a restart neither
 * repeats a decision nor submits a job twice for a revision and profile.
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
  /** Jobs posted by this loop (revision + profile): never twice, even before the views show them. */
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

  /** One round: decide on every revision touched since the last round, publish what changed. */
  async pass (): Promise<PassReport> {
    const report: PassReport = { decisions: [], jobs: [], waiting: [] }
    const state = this.opts.policy.refresh()
    if (state.error !== null && state.error.message !== this.lastError) {
      this.opts.warn(`${state.error.message}; ${state.policy === null ? 'no policy is in force yet' : 'the previous policy stays in force'}`)
    }
    this.lastError = state.error?.message ?? ''
    if (state.changed && state.hash !== null) {
      this.opts.out(`policy   ${state.hash.slice(0, 12)} in force (${state.origin ?? ''})`)
      this.everything = true
    }
    const policy = state.policy
    if (policy === null) {
      if (!this.warnedNoPolicy && state.error === null) this.opts.warn('maintainer: no policy set yet (cairn policy set FILE); deciding starts once there is one')
      this.warnedNoPolicy = true
      return report
    }

    const views = this.node.views
    const ids = new Set<string>(this.retry)
    this.retry.clear()
    const arrived = this.arrived.splice(0)
    if (this.everything) {
      this.everything = false
      for (const e of views.byType.get('series.revision') ?? []) ids.add(e.id)
    } else {
      for (const e of arrived) {
        const hit = affectedBy(views, e)
        if (hit === 'all') {
          for (const r of views.byType.get('series.revision') ?? []) ids.add(r.id)
          break
        }
        for (const id of hit) ids.add(id)
      }
    }
    const revisions = [...ids].map((id) => revisionEvent(views, id)).filter((r): r is RevisionEvent => r !== null).sort(byTsThenId)

    const template = this.opts.template
    if (policy.autoSubmit && template === null && !this.warnedTemplate && revisions.length > 0) {
      this.warnedTemplate = true
      this.opts.warn('the policy says autoSubmit: true, but no --jobs-repo was given: no jobs are submitted')
    }

    const drafts: Array<Draft<'decision'>> = []
    for (const revision of revisions) {
      if (this.stopped) break
      const label = `${revision.id.slice(0, 8)} ${revision.body.series} v${revision.body.version}`
      try {
        let decision = await decideRevision(views, this.diffs, policy, revision)
        if (policy.autoSubmit && template !== null && !SETTLED.has(decision.state.split('.')[0] ?? '')) {
          const touched = (await this.diffs.get(revision)).touched
          const jobs = missingJobs(views, policy, revision, touched, template).filter((j) => !this.submitted.has(`${revision.id}\u0000${j.body.profile}`))
          if (jobs.length > 0) {
            const keys = jobs.map((j) => `${revision.id}\u0000${j.body.profile}`)
            for (const k of keys) this.submitted.add(k)
            const posted = await this.node.postMany(jobs).catch((err: unknown) => {
              for (const k of keys) this.submitted.delete(k) // not published: a later pass may try again
              throw err
            })
            await this.node.indexer.run()
            for (const e of posted) this.opts.out(`job      ${label}: requested ${String((e.body as { profile: string }).profile)} (${e.id.slice(0, 12)})`)
            report.jobs.push(...jobs)
            decision = await decideRevision(views, this.diffs, policy, revision)
          }
        }
        const last = latestDecision(views, revision.id, this.node.identityKey)
        if (last === null || last.body.verdict !== decision.verdict) drafts.push({ type: 'decision', body: decision, refs: [revision.id] })
      } catch (err) {
        // A diff blob not replicated yet, or on a blobs core this node has not adopted yet.
        if (isCairnError(err, 'BLOB_MISSING') || isCairnError(err, 'NOT_FOLLOWED')) {
          this.retry.add(revision.id)
          report.waiting.push(revision.id)
          continue
        }
        if (!isCairnError(err)) throw err
        this.opts.warn(`cannot decide on ${label}: ${err.message}`)
      }
    }
    if (drafts.length > 0) {
      const posted = await this.node.postMany(drafts)
      await this.node.indexer.run()
      for (const e of posted) {
        const d = e.body as Decision
        const r = revisionEvent(views, d.revision)
        this.opts.out(`decision ${d.revision.slice(0, 8)} ${r?.body.series ?? ''} v${r?.body.version ?? '?'}: ${d.verdict} (${d.state}) ${e.id.slice(0, 12)}`)
        report.decisions.push(d)
      }
    }
    return report
  }
}
