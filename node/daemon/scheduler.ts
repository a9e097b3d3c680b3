/**
 * The daemon's scheduled jobs (`cairn schedule add`): on every tick of its
 * clock (and once on start, so periods missed while the daemon was down
 * are handled once, not once each), each schedule whose current period is
 * not handled yet has its job built (the ref resolved to a commit, the
 * recipe read: `submit`, from runners/ through the CLI) and posted, unless
 * a job of this node with the same inputs is already queued, running or
 * has a result: a nightly baseline of an unchanged ref posts nothing, and
 * a runner reuses any trusted result of the same test-run identity for the
 * rest. `schedules.json` is read on every tick, so schedules added or
 * removed while the daemon runs take effect at the next one; those of the
 * CI configuration (`ci/NAME`, periods from the epoch) come with it.
 */
import type { CairnNode } from '../node.js'
import type { BodyOf } from '../../protocol/schemas.js'
import { isDue, readSchedules, recordRun } from '../storage/schedules.js'
import type { Schedule } from '../storage/schedules.js'
import { jobOfInputs } from '../views/jobs.js'

/** Time for the scheduler: injected, so tests move it without waiting. */
export interface Clock {
  now: () => number
  /** Call `fn` every `ms` until the returned function is called. */
  every: (ms: number, fn: () => void) => () => void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  every: (ms, fn) => {
    const timer = setInterval(fn, ms)
    timer.unref()
    return () => clearInterval(timer)
  }
}

/** How often the system clock looks for due schedules (the shortest --every is a minute). */
export const TICK_MS = 30_000

/** What one due schedule came to. */
export type ScheduleOutcome =
  | { schedule: string, posted: string }
  | { schedule: string, existing: string, state: string }
  | { schedule: string, failed: string }

export interface SchedulerOptions {
  clock: Clock
  /** The job request a schedule asks for now (resolving its ref). */
  submit: (schedule: Schedule) => Promise<{ body: BodyOf<'job.request'> }>
  out: (line: string) => void
  warn: (msg: string) => void
  /** Schedules besides the home's: the CI configuration's (`ci/NAME`). */
  fixed?: readonly Schedule[]
  /** Told each due schedule's outcome (for tests). */
  onOutcome?: (outcome: ScheduleOutcome) => void
}

export class Scheduler {
  private running: Promise<void> = Promise.resolve()
  private cancel: (() => void) | null = null
  private stopped = false

  constructor (private readonly node: CairnNode, private readonly opts: SchedulerOptions) {}

  /** A pass now (periods missed while down), then one every tick. */
  start (tickMs = TICK_MS): void {
    this.cancel = this.opts.clock.every(tickMs, () => { void this.tick() })
    void this.tick()
  }

  /** One pass after those already asked for; resolves when it has run. */
  async tick (): Promise<void> {
    this.running = this.running.then(async () => { if (!this.stopped) await this.pass() })
      .catch((err: unknown) => this.opts.warn(`schedule: ${(err as Error).stack ?? String(err)}`))
    await this.running
  }

  async stop (): Promise<void> {
    this.stopped = true
    this.cancel?.()
    await this.running
  }

  private async pass (): Promise<void> {
    const home = this.node.paths.dir
    const schedules = [...(this.opts.fixed ?? []), ...readSchedules(home)]
    for (const schedule of schedules) {
      const now = this.opts.clock.now()
      if (!isDue(home, schedule, now)) continue
      const outcome = await this.due(schedule, now)
      recordRun(home, schedule, now, schedules) // failed too: the next period tries again, not every tick
      this.opts.onOutcome?.(outcome)
    }
  }

  private async due (schedule: Schedule, now: number): Promise<ScheduleOutcome> {
    const name = schedule.name
    let body: BodyOf<'job.request'>
    try {
      body = (await this.opts.submit(schedule)).body
    } catch (err) {
      this.opts.warn(`schedule ${name}: cannot submit its job: ${(err as Error).message}`)
      return { schedule: name, failed: (err as Error).message }
    }
    const what = `${body.ref ?? body.base} at ${body.base.slice(0, 12)}`
    const earlier = jobOfInputs(this.node.views, body, now, (j) => j.request.author === this.node.identityKey)
    if (earlier !== undefined) {
      this.opts.out(`schedule ${name}: ${what} unchanged, job ${earlier.id.slice(0, 12)} (${earlier.state}) stands`)
      return { schedule: name, existing: earlier.id, state: earlier.state }
    }
    const job = (await this.node.post('job.request', body, [])).id
    this.opts.out(`schedule ${name}: job ${job.slice(0, 12)} posted for ${what}`)
    return { schedule: name, posted: job }
  }
}
