/**
 * Passes of a daemon loop run one at a time: scheduled after a short
 * debounce when something happens (a batch of events is one pass), and on a
 * clock as a fallback. A pass that throws is reported and the next one runs.
 */
export class Passes {
  private running: Promise<void> = Promise.resolve()
  private timer: NodeJS.Timeout | null = null
  private poller: NodeJS.Timeout | null = null
  private pending = 0
  private stopped = false
  private readonly idlers: Array<() => void> = []

  constructor (private readonly pass: () => Promise<void>, private readonly opts: { debounceMs: number, pollMs: number, warn: (msg: string) => void }) {}

  /** Run a first pass now and then one every pollMs. */
  start (): void {
    this.poller = setInterval(() => this.schedule(), this.opts.pollMs)
    this.poller.unref()
    this.schedule(0)
  }

  schedule (ms = this.opts.debounceMs): void {
    if (this.stopped || this.timer !== null) return
    this.pending++
    this.timer = setTimeout(() => {
      this.timer = null
      this.running = this.running
        .then(async () => { if (!this.stopped) await this.pass() })
        .catch((err: unknown) => this.opts.warn((err as Error).stack ?? String(err)))
        .finally(() => this.done())
    }, ms)
  }

  /** No more passes; resolves once the one running has finished. */
  async stop (): Promise<void> {
    this.stopped = true
    if (this.timer !== null) { clearTimeout(this.timer); this.done() }
    this.timer = null
    if (this.poller !== null) clearInterval(this.poller)
    await this.running
  }

  /** Resolves once nothing is scheduled or running (for tests). */
  async idle (): Promise<void> {
    if (this.pending > 0) await new Promise<void>((resolve) => this.idlers.push(resolve))
  }

  private done (): void {
    if (--this.pending === 0) for (const resolve of this.idlers.splice(0)) resolve()
  }
}
