/**
 * A runner: a node that takes jobs. It watches its views for job requests
 * from publishers it trusts, picks the queued ones whose tags it serves
 * (highest priority first, then oldest), claims each with a lease, renews
 * the lease while it works, and publishes one result per job.
 *
 * Claims race across nodes with no lock: after claiming, a runner waits a
 * settle period for competing claims to replicate, and the job lifecycle
 * fold (the earliest claim by (ts, EventId) wins) decides who holds the job
 * on every node alike. The lease is checked again before publishing, so a
 * runner that lost its lease (it stalled, another runner took over) does not
 * publish a second result.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { CairnNode } from '../node/node.js'
import { CANCELLED, GATE_STEP, jobAnswers, jobsClaimedBy, jobView, listJobs, mayCancel } from '../node/views/jobs.js'
import type { JobRequest, JobView } from '../node/views/jobs.js'
import type { IndexedEvent, Views } from '../node/views/views.js'
import { CairnError, isCairnError } from '../protocol/errors.js'
import { ActiveSteps } from './active.js'
import { closedGate } from './gates.js'
import type { GateProbe, Gates } from './gates.js'
import { servesTags } from './environment.js'
import { formatMs } from './duration.js'
import { seriesMails } from './patches.js'
import { runJob } from './run-job.js'
import type { ResultBody } from './run-job.js'
import { RepoCache } from './workspace.js'
import { takePidLock } from '../node/storage/pid-lock.js'
import { summarise } from '../protocol/result-summary.js'
import type { ParsedTest } from './parsers/types.js'

export interface RunnerOptions {
  tags: string[]
  workdir: string
  /** Jobs run at once. */
  jobs: number
  leaseMs: number
  /** How long to wait after claiming for competing claims to arrive. */
  settleMs?: number
  /** How often to look again without a new event (leases of others expire with time). */
  pollMs?: number
  /** Between SIGTERM and SIGKILL of a step's process group. */
  graceMs?: number
  log?: (line: string) => void
  /** What must hold before a job is taken (runners/gates.ts). */
  gates?: Gates
  gateProbe?: GateProbe
  /** How often a step's processes are sampled for the result's telemetry (default 1 s; 0: never). */
  telemetryMs?: number
}

/**
 * Whose jobs this node runs: its own, and those of identities it trusts as
 * maintainers. A job runs arbitrary commands on the runner's machine, so
 * reviewer, bridge (mail from anyone) or runner trust is not enough.
 */
function mayPublishJobs (views: Views, author: string): boolean {
  return author === views.root || views.trust.get(author)?.has('maintainer') === true
}

interface Running {
  controller: AbortController
  done: Promise<void>
}

export class Runner {
  readonly me: string
  private readonly running = new Map<string, Running>()
  private readonly waiting = new Set<string>()
  /** job id -> the gate this runner last said it waits on, so each is posted once. */
  private readonly gateNoted = new Map<string, string>()
  private gateShut: string | null = null
  private readonly cache: RepoCache
  private readonly active: ActiveSteps
  private readonly settleMs: number
  private readonly pollMs: number
  private readonly log: (line: string) => void
  private unlock: (() => void) | null = null
  private unsubscribe: (() => void) | null = null
  private poll: NodeJS.Timeout | null = null
  private scheduled = false
  private pumping = false
  private again = false
  private stopping = false
  private idleWaiters: Array<() => void> = []
  /** Results this runner published, in order: what `--once` reports and tests read. */
  readonly published: Array<{ job: string, result: string, verdict: string }> = []

  constructor (private readonly node: CairnNode, private readonly opts: RunnerOptions) {
    this.me = node.identityKey
    this.cache = new RepoCache(join(opts.workdir, 'repos'))
    this.active = new ActiveSteps(join(opts.workdir, 'active.json'))
    this.settleMs = opts.settleMs ?? Math.min(1000, Math.floor(opts.leaseMs / 4))
    this.pollMs = opts.pollMs ?? Math.max(100, Math.min(5000, Math.floor(opts.leaseMs / 4)))
    this.log = opts.log ?? (() => {})
  }

  /** Take the workdir, clean up after an earlier run, then start taking jobs. */
  async start (): Promise<void> {
    mkdirSync(join(this.opts.workdir, 'jobs'), { recursive: true })
    // One runner per workdir: two would fight over the mirrors and worktrees and kill each other's process groups as leftovers.
    const workdir = this.opts.workdir
    this.unlock = takePidLock(join(workdir, 'runner.lock'), (pid) => new CairnError('WORKDIR_LOCKED', `another runner (pid ${pid}) uses ${workdir}; stop it or give this one its own --workdir`))
    for (const s of this.active.killLeftovers()) this.log(`killed leftover process group ${s.pgid} of job ${s.job} (step ${s.step}) from an earlier run`)
    await this.reportUnfinished()
    this.unsubscribe = this.node.views.subscribe((e) => this.onEvent(e))
    this.poll = setInterval(() => this.wake(), this.pollMs)
    this.wake()
  }

  /** Resolves once nothing is running and no queued job can be taken (for --once). */
  async idle (): Promise<void> {
    await new Promise<void>((resolve) => { this.idleWaiters.push(resolve); this.wake() })
  }

  /** Abort every running job (their process groups are killed, each is recorded aborted), then let go. */
  async stop (reason = 'runner stopped'): Promise<void> {
    this.stopping = true
    if (this.poll !== null) clearInterval(this.poll)
    this.unsubscribe?.()
    const all = [...this.running.values()]
    for (const r of all) r.controller.abort(reason)
    await Promise.all(all.map(async (r) => await r.done))
    this.unlock?.()
    this.unlock = null
  }

  get runningJobs (): string[] {
    return [...this.running.keys()]
  }

  private onEvent (e: IndexedEvent): void {
    if (e.type === 'job.progress' && e.body.state === CANCELLED) {
      const running = this.running.get(e.body.job)
      const view = jobView(this.node.views, e.body.job, Date.now())
      if (running !== undefined && view !== null && mayCancel(this.node.views, view.request, e.author)) running.controller.abort('cancelled')
    }
    if (e.type === 'job.request' || e.type === 'job.claim' || e.type === 'result' || e.type === 'trust.set' || e.type === 'series.revision') this.wake()
  }

  private wake (): void {
    if (this.scheduled || this.stopping) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.pump().catch((err: unknown) => this.log(`scheduling failed: ${(err as Error).message}`))
    })
  }

  /** Queued jobs this runner may and can take now, best first. */
  private candidates (): JobView[] {
    const views = this.node.views
    return listJobs(views, Date.now(), { state: 'queued' })
      .filter((j) => !j.cancelled && !this.running.has(j.id) &&
        mayPublishJobs(views, j.request.author) && servesTags(this.opts.tags, j.request.body.tags))
      .sort((a, b) => b.request.body.priority - a.request.body.priority)
  }

  private async pump (): Promise<void> {
    if (this.pumping) { this.again = true; return }
    this.pumping = true
    try {
      do {
        this.again = false
        await this.pumpOnce()
      } while (this.again && !this.stopping)
    } finally {
      this.pumping = false
    }
  }

  private async pumpOnce (): Promise<void> {
    if (this.stopping) return
    const candidates = this.candidates()
    if (candidates.length > 0 && this.running.size < this.opts.jobs && !await this.gatesOpen(candidates.slice(0, this.opts.jobs - this.running.size))) {
      if (this.running.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve()
      return
    }
    for (const job of candidates) {
      if (this.running.size >= this.opts.jobs) break
      if (!await this.inputsHere(job.request)) continue
      if (this.stopping || this.running.has(job.id)) continue
      const controller = new AbortController()
      const entry: Running = { controller, done: Promise.resolve() }
      this.running.set(job.id, entry)
      entry.done = this.handle(job.request, controller).catch((err: unknown) => {
        this.log(`job ${short(job.id)}: runner failure: ${(err as Error).stack ?? String(err)}`)
      }).finally(() => {
        this.running.delete(job.id)
        this.wake()
      })
    }
    if (this.running.size === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve()
    }
  }

  /**
   * Check the launch gates; when one is closed, say so once per job and gate
   * (a `gate waiting` progress event: job list and the UI show it) and take nothing.
   */
  private async gatesOpen (next: JobView[]): Promise<boolean> {
    if (this.opts.gates === undefined) return true
    const closed = await closedGate(this.opts.gates, this.opts.gateProbe)
    if (closed === null) {
      if (this.gateShut !== null) this.log(`gate ${this.gateShut} open again`)
      this.gateShut = null
      return true
    }
    if (this.gateShut !== closed.gate) this.log(`gate ${closed.gate} closed: ${closed.why}; taking no job`)
    this.gateShut = closed.gate
    for (const job of next) {
      if (this.gateNoted.get(job.id) === closed.gate || this.stopping) continue
      this.gateNoted.set(job.id, closed.gate)
      await this.node.post('job.progress', { job: job.id, step: GATE_STEP, state: 'waiting', detail: `${closed.gate}: ${closed.why}` }, [job.id])
    }
    return false
  }

  /** The series and its patch blobs must be here before claiming: a claim we cannot work on would only hold the job up. */
  private async inputsHere (request: JobRequest): Promise<boolean> {
    const revision = request.body.revision
    if (revision === undefined) return true
    const event = this.node.views.event(revision)
    let why: string | null = null
    if (event?.type !== 'series.revision') why = `series revision ${short(revision)} not here yet`
    else {
      try {
        await seriesMails(event, this.node.blobs)
      } catch (err) {
        if (isCairnError(err, 'BLOB_MISSING') || isCairnError(err, 'BLOB_UNREACHABLE')) why = 'patch blobs not replicated yet'
        else if (!isCairnError(err, 'PATCH_MISSING')) why = (err as Error).message // a missing patch is an apply-failed result: take the job
      }
    }
    if (why === null) {
      this.waiting.delete(request.id)
      return true
    }
    if (!this.waiting.has(request.id)) this.log(`job ${short(request.id)}: waiting: ${why}`)
    this.waiting.add(request.id)
    return false
  }

  private async claim (job: string): Promise<void> {
    await this.node.post('job.claim', { job, runner: this.me, leaseUntil: Date.now() + this.opts.leaseMs }, [job])
  }

  private connected (): boolean {
    return this.node.carried().some((c) => c.core.peers.length > 0)
  }

  private holds (job: string): boolean {
    const view = jobView(this.node.views, job, Date.now())
    return view !== null && view.runner === this.me && view.leased
  }

  private async handle (request: JobRequest, controller: AbortController): Promise<void> {
    const id = request.id
    const views = this.node.views
    await this.claim(id)
    // Competing claims can only arrive in time over a live connection; offline, the fold settles it later.
    if (this.connected()) await sleep(this.settleMs, controller.signal)
    if (!this.holds(id)) {
      this.log(`job ${short(id)}: claimed by ${short(jobView(views, id, Date.now())?.runner ?? 'another runner')} first; left to it`)
      return
    }
    this.log(`job ${short(id)}: claimed (lease ${formatMs(this.opts.leaseMs)})`)
    // Renew at a third of the lease: two renewals can be missed before it runs out.
    const renew = setInterval(() => {
      if (!this.holds(id)) { controller.abort('lease lost'); return }
      this.claim(id).catch((err: unknown) => this.log(`job ${short(id)}: lease renewal failed: ${(err as Error).message}`))
    }, Math.max(50, Math.floor(this.opts.leaseMs / 3)))
    let body: ResultBody
    try {
      if (controller.signal.aborted) throw new Error('aborted before start')
      body = await runJob({
        views,
        blobs: this.node.blobs,
        request,
        dir: join(this.opts.workdir, 'jobs', id),
        cache: this.cache,
        tags: this.opts.tags,
        signal: controller.signal,
        active: this.active,
        progress: async (step, state, detail) => {
          await this.node.post('job.progress', { job: id, step, state, ...(detail === undefined ? {} : { detail: detail.slice(0, 60_000) }) }, [id])
        },
        ...(this.opts.graceMs === undefined ? {} : { graceMs: this.opts.graceMs }),
        ...(this.opts.telemetryMs === undefined ? {} : { telemetryMs: this.opts.telemetryMs })
      })
    } catch {
      body = { job: id, build: '', testRun: '', verdict: 'aborted', tests: [], logs: [], environment: {}, message: String(controller.signal.reason ?? 'aborted') }
    } finally {
      clearInterval(renew)
    }
    if (!this.holds(id)) {
      // Our lease ran out and another runner took the job: its result is the one.
      await this.node.post('job.progress', { job: id, step: 'claim', state: 'lost', detail: `result ${body.verdict} not published` }, [id])
      this.log(`job ${short(id)}: lost the lease; ${body.verdict} result not published`)
      return
    }
    const event = await this.node.post('result', body, [id])
    this.published.push({ job: id, result: event.id, verdict: body.verdict })
    this.log(`job ${short(id)}: ${describeResult(body)}; result ${event.id}`)
  }

  /**
   * Claims this identity made in an earlier life that it never answered
   * with a result: the runner died (kill -9, power loss) mid-job. Those still
   * held, or expired with nobody else taking over, are recorded aborted, so
   * no claim is left dangling; for those another runner took over, a
   * `claim abandoned` progress event records that this one let go. Either
   * answer means the claim is reported once, not on every restart.
   */
  private async reportUnfinished (): Promise<void> {
    const views = this.node.views
    const now = Date.now()
    for (const id of jobsClaimedBy(views, this.me)) {
      const answered = jobAnswers(views, id).some((e) => e.author === this.me &&
        (e.type === 'result' || (e.type === 'job.progress' && e.body.step === 'claim' && (e.body.state === 'lost' || e.body.state === 'abandoned'))))
      const view = jobView(views, id, now)
      if (answered || view === null) continue
      const mine = view.runner === this.me ? view.leased : view.runner === null && view.expired[view.expired.length - 1] === this.me && view.verdict === null
      if (mine) {
        const body: ResultBody = { job: id, build: '', testRun: '', verdict: 'aborted', tests: [], logs: [], environment: {}, message: 'the runner stopped without finishing this job (found unfinished when it started again)' }
        const event = await this.node.post('result', body, [id])
        this.published.push({ job: id, result: event.id, verdict: 'aborted' })
        this.log(`job ${short(id)}: unfinished claim from an earlier run; recorded aborted (result ${event.id})`)
        continue
      }
      const other = view.runner === null ? 'nobody' : short(view.runner)
      await this.node.post('job.progress', { job: id, step: 'claim', state: 'abandoned', detail: `taken over by ${view.runner ?? 'nobody'}; now ${view.state}` }, [id])
      this.log(`job ${short(id)}: unfinished claim from an earlier run; taken over by ${other}, now ${view.state}`)
    }
  }
}

/** How one connected peer stands after a flush: it holds everything this node published, or how far it got. */
interface Flushed { peer: string, held: boolean, detail: string }

/** The peer of a replication session, as `flushToPeers` reads it: its name, its stream, whether it went away. */
interface FlushSession { peer: string, stream: unknown, closed: Promise<void> }

/**
 * Wait until every connected peer holds this node's own feed and blobs as
 * far as they go here (the results published, with their logs), as the
 * peer's hypercore replication reports it, or until `timeoutMs`: a runner
 * that exits at once (`--once`, SIGTERM) would otherwise take its last
 * results with it until the next sync.
 */
export async function flushToPeers (node: CairnNode, sessions: readonly FlushSession[], timeoutMs: number): Promise<Flushed[]> {
  const own = [node.feedKey, node.blobsKey].map((key) => node.coreFor(key))
  const deadline = Date.now() + timeoutMs
  return await Promise.all(sessions.map(async (session): Promise<Flushed> => {
    let closed = false
    void session.closed.then(() => { closed = true })
    const behind = (): string | null => {
      for (const core of own) {
        const peer = core.peers.find((p) => (p as { stream?: unknown }).stream === session.stream) as { remoteContiguousLength?: number } | undefined
        const holds = peer?.remoteContiguousLength ?? 0
        if (holds < core.length) return `it holds ${holds} of the ${core.length} blocks of ${core === own[0] ? 'our feed' : 'our blobs'}`
      }
      return null
    }
    for (let why = behind(); ; why = behind()) {
      if (why === null) return { peer: session.peer, held: true, detail: `holds our ${own[0]?.length ?? 0} events` }
      if (closed) return { peer: session.peer, held: false, detail: `went away: ${why}` }
      if (Date.now() > deadline) return { peer: session.peer, held: false, detail: `not done after ${formatMs(timeoutMs)}: ${why}` }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }))
}

function short (id: string): string {
  return id.slice(0, 12)
}

function describeResult (body: ResultBody): string {
  if (body.verdict === 'reused') return `reused result ${body.reuses ?? '?'}`
  const s = summarise(body.tests as ParsedTest[])
  const counts = Object.entries(s.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')
  const tests = s.total === 0 ? '' : ` (${s.total} tests: ${counts})`
  const why = body.message === undefined || body.verdict === 'pass' || body.verdict === 'fail' ? '' : `: ${body.message.split('\n')[0] ?? ''}`
  return `${body.verdict}${tests}${why}`
}

async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return
  await new Promise<void>((resolve) => {
    const t = setTimeout(done, ms)
    function done (): void { clearTimeout(t); signal.removeEventListener('abort', done); resolve() }
    signal.addEventListener('abort', done, { once: true })
  })
}
