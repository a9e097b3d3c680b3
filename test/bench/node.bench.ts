// The node's hot paths beside raw references measured in the same process:
// ed25519 sign/verify (libsodium-wrappers and sodium-native), hypercore append
// and download() of the same blocks between two stores, and cairn's signed
// append, sync+index and reindex of ~1 KB events. Prints figures; asserts nothing.
import Corestore from 'corestore'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { CairnNode } from '../../node/node.js'
import { listen, connect, untilCaughtUp } from '../../node/net/sync.js'
import { libsodiumCrypto } from '../../protocol/crypto.js'
import type { Crypto } from '../../protocol/crypto.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'

const EVENTS = Number(process.env.CAIRN_BENCH_EVENTS ?? 100_000)
const BODY = 'x'.repeat(880) // with the envelope and signature: about 1 KB per event
let peakRss = 0
const sampleRss = (): void => { peakRss = Math.max(peakRss, process.memoryUsage().rss) }

function rate (n: number, ms: number): string {
  return `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`
}

let lastCpuMs = 0

/** Wall time of fn; its CPU time over all threads (workers, GC, RocksDB) is left in lastCpuMs. */
async function timed<T> (fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const out = await fn()
  const c = process.cpuUsage(c0)
  lastCpuMs = (c.user + c.system) / 1000
  sampleRss()
  return [out, performance.now() - t0]
}

/** CPU microseconds per event of the last timed phase, over all threads. */
function cpuPer (n: number): string {
  return `CPU ${(lastCpuMs * 1000 / n).toFixed(0)} µs/event`
}

/**
 * Raw verify on `threads` worker threads at once (events/s together): what
 * "raw verify x cores" really is here, since threads sharing a machine do
 * not each keep the single-thread rate.
 */
export async function parallelVerifyRate (threads: number, n: number): Promise<number> {
  const url = new URL('./verify-worker.js', import.meta.url)
  const workers = Array.from({ length: threads }, () => new Worker(url, { workerData: { n, size: 1000 } }))
  const next = async (w: Worker): Promise<unknown> => await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject) })
  try {
    await Promise.all(workers.map(next)) // loaded: start-up is not timed
    const t0 = performance.now()
    const done = Promise.all(workers.map(next))
    for (const w of workers) w.postMessage('go')
    await done
    return threads * n / ((performance.now() - t0) / 1000)
  } finally {
    await Promise.all(workers.map(async (w) => await w.terminate()))
  }
}

export function signVerifyRates (crypto: Crypto, n: number): { sign: number, verify: number } {
  const kp = crypto.keyPair()
  const msgs = Array.from({ length: n }, (_, i) => Buffer.from(BODY + i))
  const t0 = performance.now()
  const sigs = msgs.map((m) => crypto.sign(m, kp.secretKey))
  const t1 = performance.now()
  for (let i = 0; i < n; i++) if (!crypto.verify(sigs[i] as Uint8Array, msgs[i] as Uint8Array, kp.publicKey)) throw new Error('verify failed')
  const t2 = performance.now()
  return { sign: n / ((t1 - t0) / 1000), verify: n / ((t2 - t1) / 1000) }
}

/** Raw hypercore: append the given blocks to one store, download() them into another over a stream pair. */
async function rawHypercore (dir: string, blocks: Uint8Array[]): Promise<{ appendMs: number, downloadMs: number }> {
  const a = new Corestore(join(dir, 'raw-a'))
  const b = new Corestore(join(dir, 'raw-b'))
  const core = a.get({ name: 'raw' })
  await core.ready()
  const [, appendMs] = await timed(() => core.append(blocks))
  const s1 = a.replicate(true)
  const s2 = b.replicate(false)
  s1.pipe(s2).pipe(s1)
  const copy = b.get({ key: core.key })
  await copy.ready()
  const [, downloadMs] = await timed(async () => {
    await copy.update({ wait: true })
    await copy.download({ start: 0, end: core.length }).done()
  })
  s1.destroy()
  s2.destroy()
  await a.close()
  await b.close()
  return { appendMs, downloadMs }
}

export async function run (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-'))
  try {
    console.log(`cairn node bench: ${EVENTS.toLocaleString('en-US')} events of ~1 KB, node ${process.version}`)
    const wasm = signVerifyRates(await libsodiumCrypto(), 20_000)
    const native = signVerifyRates(nativeCrypto, 20_000)
    console.log(`  raw ed25519 libsodium-wrappers  sign ${Math.round(wasm.sign).toLocaleString('en-US')}/s  verify ${Math.round(wasm.verify).toLocaleString('en-US')}/s`)
    console.log(`  raw ed25519 sodium-native       sign ${Math.round(native.sign).toLocaleString('en-US')}/s  verify ${Math.round(native.verify).toLocaleString('en-US')}/s`)
    const cores = availableParallelism()
    const parallelVerify = await parallelVerifyRate(cores, 20_000)
    console.log(`  raw verify, ${cores} threads at once   ${Math.round(parallelVerify).toLocaleString('en-US')}/s together (${(parallelVerify / native.verify).toFixed(2)}x one thread)`)

    const a = await CairnNode.init(join(dir, 'a'), 'a')
    // A daemon starts its crypto threads when it starts (cairn start): time that once, apart from the rates.
    const [, warmMs] = await timed(() => a.warmCrypto())
    console.log(`  crypto threads start            ${warmMs.toFixed(0)} ms for ${cores} threads, once per process (not in the rates below)`)
    const drafts = Array.from({ length: EVENTS }, (_, i) => ({ type: 'note' as const, body: { text: `${i} ${BODY}` } }))
    const BATCH = Number(process.env.CAIRN_BENCH_BATCH ?? 1000) // events per postMany call
    let appendEnd = 0
    let appendTenth = { at: 0, events: 0 } // the steady rate comes after the first tenth (JIT warm-up)
    const [, appendMs] = await timed(async () => {
      for (let i = 0; i < drafts.length; i += BATCH) {
        await a.postMany(drafts.slice(i, i + BATCH))
        if (appendTenth.events === 0 && i + BATCH >= EVENTS / 10) appendTenth = { at: performance.now(), events: i + BATCH }
      }
      appendEnd = performance.now()
    })
    const blocks = a.feed.core.length
    const bytes = a.feed.core.byteLength
    const appendRate = EVENTS / (appendMs / 1000)
    console.log(`  cairn signed append             ${rate(EVENTS, appendMs)} events in batches of ${BATCH} (${blocks} blocks, ${(bytes / 1e6).toFixed(1)} MB, ${cpuPer(EVENTS)}): ${(100 * appendRate / native.sign).toFixed(0)}% of raw sign`)
    const steadyAppend = (EVENTS - appendTenth.events) / ((appendEnd - appendTenth.at) / 1000)
    if (appendTenth.events < EVENTS) console.log(`    after the first tenth          ${Math.round(steadyAppend).toLocaleString('en-US')}/s events: ${(100 * steadyAppend / native.sign).toFixed(0)}% of raw sign`)
    const [, ownIndexMs] = await timed(() => a.indexer.run())
    console.log(`  cairn index own feed            ${rate(EVENTS, ownIndexMs)} events (${cpuPer(EVENTS)}; signed by this process, so matched by EventId: ${a.indexer.counts.verified} verified again)`)

    const raw: Uint8Array[] = []
    for (let i = 0; i < blocks; i++) raw.push(await a.feed.core.get(i) as Uint8Array)
    const [rawRun] = await timed(() => rawHypercore(dir, raw))
    const rawCpu = cpuPer(EVENTS)
    const rawDownloadRate = EVENTS / (rawRun.downloadMs / 1000)
    console.log(`  raw hypercore append            ${rate(blocks, rawRun.appendMs)} blocks (the same ${blocks} blocks)`)
    console.log(`  raw hypercore download()        ${rate(EVENTS, rawRun.downloadMs)} events, ${(bytes / 1e6 / (rawRun.downloadMs / 1000)).toFixed(1)} MB/s (append and download: ${rawCpu})`)

    // The steady rate, after the first tenth (connection, JIT warm-up of both nodes' code, first requests).
    let tenth: { at: number, events: number, cpu: NodeJS.CpuUsage } | null = null
    const b = await CairnNode.init(join(dir, 'b'), 'b', {
      onProgress: () => {
        if (tenth === null && b.views.count >= EVENTS / 10) tenth = { at: performance.now(), events: b.views.count, cpu: process.cpuUsage() }
      }
    })
    await b.warmCrypto()
    await b.follow(a.feedKey)
    const { server, sessions } = await listen(a, { host: '127.0.0.1', port: 0 })
    const port = (server.address() as { port: number }).port
    let syncEnd = 0
    const [ok, syncMs] = await timed(async () => {
      const session = await connect(b, { host: '127.0.0.1', port })
      const done = await untilCaughtUp(session)
      syncEnd = performance.now()
      session.destroy()
      return done
    })
    for (const s of sessions) s.destroy()
    server.close()
    if (!ok || b.views.count !== EVENTS) throw new Error(`sync incomplete: ${b.views.count} events`)
    const syncRate = EVENTS / (syncMs / 1000)
    console.log(`  cairn sync+index over loopback  ${rate(EVENTS, syncMs)} events (${cpuPer(EVENTS)}, both nodes): ${(100 * syncRate / rawDownloadRate).toFixed(0)}% of raw download()`)
    const steady = tenth as { at: number, events: number, cpu: NodeJS.CpuUsage } | null
    if (steady !== null) {
      const rest = EVENTS - steady.events
      const cpu = process.cpuUsage(steady.cpu)
      console.log(`    after the first tenth          ${rate(rest, syncEnd - steady.at)} events (CPU ${((cpu.user + cpu.system) / rest).toFixed(0)} µs/event)`)
    }

    const [, reindexMs] = await timed(() => b.reindex())
    const reindexRate = EVENTS / (reindexMs / 1000)
    console.log(`  cairn reindex                   ${rate(EVENTS, reindexMs)} events (${cpuPer(EVENTS)}): ${(100 * reindexRate / parallelVerify).toFixed(0)}% of raw verify on ${cores} threads at once, ${(100 * reindexRate / (cores * native.verify)).toFixed(0)}% of ${cores} x one thread's rate`)
    console.log(`  peak RSS                        ${(peakRss / 1e6).toFixed(0)} MB`)
    await a.close()
    await b.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
