// API latency over a node holding ~100k events and results of 20,000 tests
// (issue 6's target: p95 under 50 ms of server time) for the routes the web
// UI's main pages call: the series list (first page, the UI's page of 100
// rows, the largest page, a text filter, the other filters), a series page
// (a revision with reviews, jobs and a large result), an interdiff (cached
// after the first request: it runs git) and the compare of two 20k-test
// results. Server time is the `Server-Timing` header the API sets; client
// time is the whole round trip over a keep-alive loopback connection. Also
// each route's first request, and the first after a new review and after a
// job's progress, which pays for rebuilding the derived views that event
// changed. Prints figures; asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { serveHttp } from '../../node/http/server.js'
import { CairnNode } from '../../node/node.js'
import { fillApiNode } from './api-fill.js'

const EVENTS = Number(process.env.CAIRN_BENCH_EVENTS ?? 100_000)
const TESTS = Number(process.env.CAIRN_BENCH_TESTS ?? 20_000)
const REQUESTS = Number(process.env.CAIRN_BENCH_REQUESTS ?? 200)
const WARMUP = 20
const AFTER_EVENT = 5
const TARGET_P95_MS = 50

interface Sample { server: number, client: number, bytes: number }

function fetchTimed (agent: Agent, port: number, path: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let bytes = 0
      res.on('data', (chunk: Buffer) => { bytes += chunk.byteLength })
      res.on('end', () => {
        const client = performance.now() - t0
        if (res.statusCode !== 200) return reject(new Error(`GET ${path}: ${res.statusCode ?? '?'}`))
        const server = Number(/app;dur=([\d.]+)/.exec(String(res.headers['server-timing']))?.[1] ?? NaN)
        resolve({ server, client, bytes })
      })
    }).on('error', reject)
  })
}

function percentile (sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] ?? NaN
}

/** p50, p95, p99 of `values`, formatted as a column. */
function spread (values: readonly number[]): string {
  const s = [...values].sort((a, b) => a - b)
  return [50, 95, 99].map((p) => percentile(s, p).toFixed(1).padStart(6)).join(' ')
}

function median (values: readonly number[]): string {
  return percentile([...values].sort((a, b) => a - b), 50).toFixed(1).padStart(6)
}

export async function run (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-api-'))
  const node = await CairnNode.init(join(dir, 'home'), 'bench')
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    const t0 = performance.now()
    const filled = await fillApiNode(node, { events: EVENTS, bigTests: TESTS, bigRuns: 6 })
    const setupMs = performance.now() - t0
    console.log(`cairn API latency: ${filled.events.toLocaleString('en-US')} events (${filled.series.toLocaleString('en-US')} series), ${filled.bigResults} results of ${TESTS.toLocaleString('en-US')} tests; set-up ${(setupMs / 1000).toFixed(1)} s; node ${process.version}`)
    const server = await serveHttp(node, { host: '127.0.0.1', port: 0 }, { token: 'bench' })
    const fetchOnce = async (path: string): Promise<Sample> => await fetchTimed(agent, server.port, path)
    // What a live node receives: a bridge's review of a revision, a runner's job progress. Each is
    // followed by one request, timed: the first after an event pays for the views it changed.
    let tick = 0
    const afterEvent = async (path: string, post: () => Promise<unknown>): Promise<number[]> => {
      const out: number[] = []
      for (let i = 0; i < AFTER_EVENT; i++) {
        await post()
        out.push((await fetchOnce(path)).server)
      }
      return out
    }
    const review = async (): Promise<unknown> => await node.post('review', { target: { revision: filled.richRevision }, trailers: [], comment: `bench ${tick++}` }, [filled.richRevision])
    const progress = async (): Promise<unknown> => await node.post('job.progress', { job: filled.job, step: 'test', state: `bench ${tick++}` }, [filled.job])
    const routes: Array<[string, string]> = [
      ['series list, first page', '/api/series'],
      ['series list, UI page (100)', '/api/series?limit=100'],
      ['series list, largest page', '/api/series?limit=500'],
      ['series list, text filter', `/api/series?q=${encodeURIComponent(filled.query)}&limit=100`],
      ['series list, four filters', `/api/series?state=reviewed&list=linux-xfs@vger.kernel.org&path=fs/xfs/&trailer=Reviewed-by&limit=100`],
      ['series page (revision)', `/api/revisions/${filled.richRevision}`],
      ['interdiff v1 -> v2', `/api/interdiff?from=${filled.interdiff[0]}&to=${filled.interdiff[1]}`],
      [`compare ${TESTS / 1000}k vs ${TESTS / 1000}k tests`, `/api/compare?a=${filled.baseline}&b=${filled.run}`]
    ]
    console.log(`  ${''.padEnd(30)} ${'server ms'.padStart(20)}   ${'client ms'.padStart(20)}   ${''.padStart(8)}   first, and first after (server ms)`)
    console.log(`  ${'route'.padEnd(30)} ${'p50    p95    p99'.padStart(20)}   ${'p50    p95    p99'.padStart(20)}   ${'response'.padStart(8)}   ${'first'.padStart(8)} ${'review'.padStart(8)} ${'progress'.padStart(8)}`)
    for (const [name, path] of routes) {
      const first = (await fetchOnce(path)).server
      for (let i = 1; i < WARMUP; i++) await fetchOnce(path)
      const samples: Sample[] = []
      for (let i = 0; i < REQUESTS; i++) samples.push(await fetchOnce(path))
      const afterReview = await afterEvent(path, review)
      const afterProgress = await afterEvent(path, progress)
      const serverMs = samples.map((s) => s.server)
      const p95 = percentile([...serverMs].sort((a, b) => a - b), 95)
      const kb = `${((samples[0]?.bytes ?? 0) / 1024).toFixed(0)} KB`
      console.log(`  ${name.padEnd(30)} ${spread(serverMs)}   ${spread(samples.map((s) => s.client))}   ${kb.padStart(8)}   ${first.toFixed(1).padStart(8)} ${median(afterReview).padStart(8)} ${median(afterProgress).padStart(8)}   p95 ${p95 < TARGET_P95_MS ? 'meets' : 'MISSES'} the ${TARGET_P95_MS} ms target`)
    }
    const memory = process.memoryUsage()
    console.log(`  ${REQUESTS} requests per route after ${WARMUP} to warm up; first: the route's first request; first after: median of ${AFTER_EVENT}; peak RSS ${(process.resourceUsage().maxRSS / 1e3).toFixed(0)} MB, heap used ${(memory.heapUsed / 1e6).toFixed(0)} MB`)
    await server.close()
  } finally {
    agent.destroy()
    await node.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
