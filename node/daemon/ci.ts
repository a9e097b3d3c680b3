import type { CiConfig } from '../../machines/ci-config.js'
import { isCairnError } from '../../protocol/errors.js'
import type { BodyOf } from '../../protocol/schemas.js'
import type { CairnNode } from '../node.js'
import { DiffCache } from '../policy/diffs.js'
import { revisionEvent } from '../policy/events.js'
import type { RevisionView } from '../views/series/index.js'
import type { Views } from '../views/views.js'
import { baselineOf } from '../../machines/job-inputs.js'
import type { JobRequest } from '../views/jobs.js'
import { CI_NOTES, ciBaselineKey, ciJobKey, ciStart, planCi } from './ci-plan.js'
import type { CiIntent, MetricFinding } from './ci-plan.js'
import { Passes } from './passes.js'

/** A composed verdict mail, and how to send it where the configuration says. */
interface ComposedVerdict {
  messageId: string
  passed: boolean
  /** Send it; resolves to what was done, for the line printed ("sent to ... via HOST:PORT"). */
  deliver: () => Promise<string>
}

/** What the CI loop cannot do in node/ (runners/ and bridges/ are the CLI's to compose). */
export interface CiActions {
  /** A checked job.request for the revision and profile (the repo and base resolve, the recipe parses). */
  jobRequest: (views: Views, revision: string, profile: string) => Promise<{ body: BodyOf<'job.request'>, refs: string[] }>
  /** The verdict mail for the revision, from the results in the views; `metrics`: the gated metric regressions, which fail it. */
  verdict: (revision: string, metrics: readonly MetricFinding[]) => Promise<ComposedVerdict>
}

interface CiLoopOptions {
  config: CiConfig
  actions: CiActions
  out: (line: string) => void
  warn: (line: string) => void
  debounceMs?: number
  pollMs?: number
}

const labelOf = (r: RevisionView): string => `${r.id.slice(0, 8)} ${r.series} v${r.version}`

/**
 * The CI daemon component (`cairn start --ci FILE`): for every new revision
 * the configuration matches, post its jobs, and once the required results
 * are in, send its verdict mail, once ever. The verdict is recorded in the
 * own feed (a `note`) before it is sent, and how the sending went after:
 * at most once. A daemon that dies between the two leaves a record with no
 * outcome; the loop then says the verdict's fate is unknown and never sends
 * it again (`cairn mail verdict` sends it by hand).
 */
export class CiLoop {
  private readonly passes: Passes
  private readonly diffs: DiffCache
  private readonly touched = new Map<string, string[]>()
  private readonly submitted = new Set<string>()
  private readonly handled = new Set<string>()
  private readonly failedJobs = new Set<string>()
  private unsubscribe: (() => void) | null = null
  private since: number | null = null

  constructor (private readonly node: CairnNode, private readonly opts: CiLoopOptions) {
    this.diffs = new DiffCache(node.blobs)
    this.passes = new Passes(async () => await this.pass(), { debounceMs: opts.debounceMs ?? 50, pollMs: opts.pollMs ?? 5000, warn: (m) => opts.warn(`ci: ${m}`) })
  }

  async start (): Promise<void> {
    const start = ciStart(this.node.views) ?? await this.post(CI_NOTES.start, 'the CI starts testing the revisions that arrive from now on', [])
    this.since = start.ts
    await this.pass() // what arrived while the daemon was down, before the daemon says it runs
    this.unsubscribe = this.node.views.subscribe(() => this.passes.schedule())
    this.passes.start()
  }

  async stop (): Promise<void> {
    this.unsubscribe?.()
    await this.passes.stop()
  }

  /** Resolves once every event seen so far has been acted on (for tests). */
  async idle (): Promise<void> {
    await this.passes.idle()
  }

  private async pass (): Promise<void> {
    for (;;) {
      const intents = planCi({ views: this.node.views, config: this.opts.config, since: this.since ?? 0, touched: this.touched, submitted: this.submitted, handled: this.handled })
      const reads = intents.filter((i) => i.kind === 'read-paths')
      for (const intent of intents) await this.carryOut(intent)
      // Paths just read can make a revision match: plan it again now rather than on the next event.
      if (reads.length === 0 || reads.every((i) => !this.touched.has(i.revision.id))) return
    }
  }

  private async carryOut (intent: CiIntent): Promise<void> {
    const { revision } = intent
    if (intent.kind === 'read-paths') await this.readPaths(revision)
    else if (intent.kind === 'submit-jobs') await this.submit(revision, intent.profiles)
    else if (intent.kind === 'submit-baselines') await this.submitBaselines(revision, intent.jobs)
    else if (intent.kind === 'send-verdict') await this.sendVerdict(revision, intent.metrics)
    else {
      this.handled.add(revision.id)
      this.opts.warn(`ci: the verdict on ${labelOf(revision)} was recorded (${intent.record.id.slice(0, 12)}) but whether it was sent is unknown (the daemon stopped while sending); it is not sent again: cairn mail verdict ${revision.id} sends it by hand`)
    }
  }

  private async readPaths (revision: RevisionView): Promise<void> {
    const event = revisionEvent(this.node.views, revision.id)
    if (event === null) return
    try {
      this.touched.set(revision.id, (await this.diffs.get(event)).touched)
    } catch (err) {
      if (!isCairnError(err)) throw err // a blob not here yet: the next pass (a sync, the clock) tries again
    }
  }

  private async submit (revision: RevisionView, profiles: readonly string[]): Promise<void> {
    const drafts = []
    for (const profile of profiles) {
      try {
        drafts.push({ type: 'job.request' as const, ...await this.opts.actions.jobRequest(this.node.views, revision.id, profile) })
      } catch (err) {
        if (!isCairnError(err)) throw err
        const key = ciJobKey(revision.id, profile)
        if (!this.failedJobs.has(key)) this.opts.warn(`ci: cannot submit ${profile} for ${labelOf(revision)}: ${err.message}`)
        this.failedJobs.add(key) // said once; the clock tries again (a fetched repo, a fixed recipe)
      }
    }
    if (drafts.length === 0) return
    for (const d of drafts) this.submitted.add(ciJobKey(revision.id, d.body.profile))
    const posted = await this.node.postMany(drafts)
    await this.node.indexer.run()
    for (const e of posted) this.opts.out(`ci       ${labelOf(revision)}: job ${String((e.body as { profile: string }).profile)} submitted (${e.id.slice(0, 12)})`)
  }

  /** The baselines the metric gate compares with: each series job's inputs with no series, a job anyone may reuse. */
  private async submitBaselines (revision: RevisionView, jobs: readonly JobRequest[]): Promise<void> {
    for (const j of jobs) this.submitted.add(ciBaselineKey(revision.id, j.body.profile))
    const posted = await this.node.postMany(jobs.map((j) => ({ type: 'job.request' as const, body: baselineOf(j.body), refs: [] })))
    await this.node.indexer.run()
    for (const e of posted) this.opts.out(`ci       ${labelOf(revision)}: baseline job ${String((e.body as { profile: string }).profile)} submitted (${e.id.slice(0, 12)})`)
  }

  private async sendVerdict (revision: RevisionView, metrics: readonly MetricFinding[]): Promise<void> {
    this.handled.add(revision.id)
    let mail: ComposedVerdict
    try {
      mail = await this.opts.actions.verdict(revision.id, metrics)
    } catch (err) {
      this.handled.delete(revision.id) // nothing recorded: a later pass composes it again
      throw err
    }
    const what = `${mail.passed ? 'pass' : 'fail'} <${mail.messageId}>`
    const record = await this.post(CI_NOTES.verdict, `verdict ${what}`, [revision.id])
    try {
      const done = await mail.deliver()
      await this.post(CI_NOTES.sent, `${what} ${done}`, [revision.id, record.id])
      this.opts.out(`ci       ${labelOf(revision)}: verdict ${what} ${done}`)
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      await this.post(CI_NOTES.failed, `${what}: ${message}`, [revision.id, record.id])
      this.opts.warn(`ci: the verdict on ${labelOf(revision)} could not be sent (${message}); it is not retried: cairn mail verdict ${revision.id} sends it by hand`)
    }
  }

  private async post (subject: string, text: string, refs: string[]): Promise<{ id: string, ts: number }> {
    const [e] = await this.node.postMany([{ type: 'note', body: { subject, text }, refs }])
    await this.node.indexer.run()
    if (e === undefined) throw new Error('postMany returned no event') // a bug
    return e
  }
}
