import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { CairnError, wireCode } from '../../protocol/errors.js'
import type { Job, OpenedBlock, PackedPayloads, SignedBatch } from './jobs.js'

interface Pending { resolve: (v: unknown) => void, reject: (e: Error) => void }

/**
 * A few worker threads for ed25519 work, one per core. Work is handed out
 * round-robin; results come back in the order asked for by awaiting each
 * promise. Workers are unref'd: they never keep a process alive.
 */
export class CryptoPool {
  private readonly workers: Worker[] = []
  private readonly pending = new Map<number, Pending>()
  private next = 0
  private seq = 0
  private destroyed = false
  private warming: Promise<void> | null = null

  constructor (readonly size = Math.max(1, availableParallelism())) {}

  open (block: Uint8Array, feed: string, seq: number): Promise<OpenedBlock> {
    return this.run({ op: 'open', block, feed, seq }) as Promise<OpenedBlock>
  }

  /** reopenBlock (no signature checked): for a block whose EventIds the caller will match against ones it knows. */
  reopen (block: Uint8Array, feed: string, seq: number): Promise<Omit<OpenedBlock, 'rejected'>> {
    return this.run({ op: 'reopen', block, feed, seq }) as Promise<Omit<OpenedBlock, 'rejected'>>
  }

  /** The payloads' buffer is transferred: the caller must not use it afterwards. */
  seal (payloads: PackedPayloads, secretKey: Uint8Array): Promise<SignedBatch> {
    return this.run({ op: 'seal', payloads, secretKey }, [payloads.bytes.buffer as ArrayBuffer]) as Promise<SignedBatch>
  }

  /**
   * Start every worker and resolve once each has loaded (a thread takes a
   * few hundred ms): before a burst of work, or when a daemon starts.
   */
  async warm (): Promise<void> {
    if (this.destroyed) return
    // Once: a download calls this for every block that arrives.
    this.warming ??= (async () => {
      while (this.workers.length < this.size) this.workers.push(this.spawn())
      await Promise.all(this.workers.map(async (w) => await this.send(w, { op: 'ping' })))
    })()
    await this.warming
  }

  /** Threads started so far. */
  get threads (): number {
    return this.workers.length
  }

  async destroy (): Promise<void> {
    this.destroyed = true
    const workers = this.workers.splice(0)
    await Promise.all(workers.map((w) => w.terminate()))
    for (const p of this.pending.values()) p.reject(new CairnError('CLOSED', 'node closed while crypto work was pending'))
    this.pending.clear()
  }

  private run (job: Job, transfer: ArrayBuffer[] = []): Promise<unknown> {
    // A closed node must not start threads that would keep its process alive.
    if (this.destroyed) return Promise.reject(new CairnError('CLOSED', 'the node is closed'))
    return this.send(this.worker(), job, transfer)
  }

  private send (worker: Worker, job: Job, transfer: ArrayBuffer[] = []): Promise<unknown> {
    const id = this.seq++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      worker.postMessage({ id, job }, transfer)
    })
  }

  private worker (): Worker {
    if (this.workers.length < this.size) this.workers.push(this.spawn())
    const w = this.workers[this.next++ % this.workers.length] as Worker
    return w
  }

  private spawn (): Worker {
    // Compiled: the .js beside this file. Under tsx (tests run from source): the .ts through tsx.
    const js = new URL('./worker.js', import.meta.url)
    const worker = existsSync(fileURLToPath(js))
      ? new Worker(js)
      : new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}) })`, { eval: true })
    worker.unref()
    worker.on('message', ({ id, result, error, code }: { id: number, result?: unknown, error?: string, code?: string }) => {
      const p = this.pending.get(id)
      if (p === undefined) return
      this.pending.delete(id)
      if (error === undefined) p.resolve(result)
      else p.reject(code !== undefined ? new CairnError(wireCode(code), error.replace(`${code}: `, '')) : new Error(error))
    })
    worker.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
    })
    return worker
  }
}
