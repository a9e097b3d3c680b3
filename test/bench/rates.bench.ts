// Issue 12's check on rates: sync+index and reindex, with the serving peer
// in a process of its own as in real use, beside raw verify measured in the
// same run. Each node is a process (rates-child.ts): a peer serving
// CAIRN_BENCH_EVENTS (default 100,000) ~1 KB notes, and a new node syncing
// them from it over loopback TCP, then reindexing (as `cairn reindex`, then
// with --verify-all, which checks every signature). Given CAIRN_BENCH_OLD
// (another build's dist/, e.g. an earlier release in a git worktree, or
// NAME=DIST,NAME=DIST for several), every build runs, taking turns,
// CAIRN_BENCH_RUNS rounds (default 3; the order flips each round), each
// with its own peer of its own build. Given CAIRN_BENCH_VIEWS_HOME (a home,
// e.g. one views-fill.ts made), each build also reindexes it, in place, per
// round. Printed per build, medians: CPU µs per event of the indexing node
// (all its threads, and its main thread, where the views are written) and
// of the peer, events/s, and the rate as % of raw verify on the machine's
// threads at once (measured each round). Under load read the CPU columns.
// Prints figures; asserts nothing.
// Run: CAIRN_BENCH_OLD=/work/wt/old/dist nice -n 5 node dist/test/bench/run.js rates
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { parallelVerifyRate, signVerifyRates } from './node.bench.js'

const EVENTS = Number(process.env.CAIRN_BENCH_EVENTS ?? 100_000)
const RUNS = Number(process.env.CAIRN_BENCH_RUNS ?? 3)
const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'rates-child.js')
const HERE = join(dirname(fileURLToPath(import.meta.url)), '..', '..') // this build's dist/

interface Timing { wallMs: number, cpuMs: number, mainMs: number }
interface Round { sync: Timing, peerCpuMs: number, reindex: Timing, reindexAll: Timing, views?: Timing, verify: number }

/** User + system CPU ms of a live process so far (/proc/PID/stat, clock ticks of 10 ms). */
function procCpuMs (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** A peer of `dist` serving EVENTS notes from `home`: its process, port and feed key. */
async function serve (dist: string, home: string): Promise<{ child: ChildProcess, port: number, key: string }> {
  const child = spawn(process.execPath, [CHILD, dist, 'serve', home, String(EVENTS)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  for await (const line of lines) {
    const m = /^listening (\d+) ([0-9a-f]+)$/.exec(line)
    if (m !== null) return { child, port: Number(m[1]), key: m[2] as string }
  }
  throw new Error(`peer of ${dist} exited before listening`)
}

/** Run a child of `dist` to its end; its last line of JSON. */
function childJson<T> (dist: string, args: string[]): T {
  const r = spawnSync(process.execPath, [CHILD, dist, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  if (r.status !== 0) throw new Error(`rates-child ${args[0] ?? ''} of ${dist} exited ${String(r.status)}`)
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as T
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const us = (ms: number, n: number): string => (ms * 1000 / n).toFixed(1)
const perS = (n: number, ms: number): string => Math.round(n / (ms / 1000)).toLocaleString('en-US')

export async function run (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-rates-'))
  // CAIRN_BENCH_OLD: a dist/ (named old), or NAME=DIST,NAME=DIST for several.
  const others = (process.env.CAIRN_BENCH_OLD ?? '').split(',').filter((x) => x !== '').map((x) => x.includes('=') ? x.split('=', 2) : ['old', x])
  const builds = [['this', HERE], ...others] as Array<[string, string]>
  const viewsHome = process.env.CAIRN_BENCH_VIEWS_HOME
  const peers: ChildProcess[] = []
  try {
    const cores = availableParallelism()
    const one = signVerifyRates(nativeCrypto, 20_000).verify
    console.log(`rates bench: ${EVENTS.toLocaleString('en-US')} notes of ~1 KB, peer in its own process; builds: ${builds.map(([n, d]) => `${n} ${d}`).join(', ')}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
    console.log(`  raw sodium-native verify, one thread: ${Math.round(one).toLocaleString('en-US')}/s (${(1e6 / one).toFixed(1)} µs each)`)
    const served = new Map<string, { port: number, key: string, pid: number }>()
    for (const [name, dist] of builds) {
      const peer = await serve(dist, join(dir, `peer-${name}`))
      peers.push(peer.child)
      served.set(name, { port: peer.port, key: peer.key, pid: peer.child.pid as number })
    }
    const rounds = new Map<string, Round[]>(builds.map(([name]) => [name, []]))
    for (let r = 0; r < RUNS; r++) {
      const order = r % 2 === 0 ? builds : [...builds].reverse()
      for (const [name, dist] of order) {
        const verify = await parallelVerifyRate(cores, 20_000)
        const peer = served.get(name) as { port: number, key: string, pid: number }
        const home = join(dir, `node-${name}-${r}`)
        const peer0 = procCpuMs(peer.pid)
        const out = childJson<{ sync: Timing, reindex: Timing, reindexAll: Timing }>(dist, ['sync', home, String(peer.port), peer.key, String(EVENTS)])
        const round: Round = { ...out, peerCpuMs: procCpuMs(peer.pid) - peer0, verify }
        rmSync(home, { recursive: true, force: true })
        console.log(`  round ${r + 1} ${name}: sync+index CPU ${us(round.sync.cpuMs, EVENTS)} µs/event (main thread ${us(round.sync.mainMs, EVENTS)}, peer ${us(round.peerCpuMs, EVENTS)}), reindex CPU ${us(round.reindex.cpuMs, EVENTS)} µs/event (main thread ${us(round.reindex.mainMs, EVENTS)}), --verify-all ${us(round.reindexAll.cpuMs, EVENTS)} (${us(round.reindexAll.mainMs, EVENTS)}); raw verify ${cores} threads ${Math.round(verify).toLocaleString('en-US')}/s; load ${loadavg()[0]?.toFixed(2) ?? ''}`)
        if (viewsHome !== undefined) {
          // In place: a copied store refuses to open (STORE_MOVED). An earlier release rebuilds its views on open, untimed.
          const v = childJson<{ reindex: Timing, events: number }>(dist, ['reindex', viewsHome])
          round.views = v.reindex
          console.log(`  round ${r + 1} ${name}: views home reindex ${v.events.toLocaleString('en-US')} events, CPU ${(v.reindex.cpuMs / 1000).toFixed(1)} s (main thread ${(v.reindex.mainMs / 1000).toFixed(1)} s), wall ${(v.reindex.wallMs / 1000).toFixed(1)} s`)
        }
        rounds.get(name)?.push(round)
      }
    }
    console.log(`medians of ${RUNS} rounds: CPU µs/event (indexing node, all threads), events/s, % of raw verify on ${cores} threads at once`)
    for (const [name] of builds) {
      const rs = rounds.get(name) ?? []
      const m = (f: (x: Round) => number): number => median(rs.map(f))
      const verify = m((x) => x.verify)
      const line = (what: string, t: (x: Round) => Timing, n: number): string => {
        const wall = m((x) => t(x).wallMs)
        return `  ${name.padEnd(5)} ${what.padEnd(20)} CPU ${us(m((x) => t(x).cpuMs), n).padStart(6)} µs/event (main thread ${us(m((x) => t(x).mainMs), n)})  ${perS(n, wall).padStart(7)}/s  ${(100 * n / (wall / 1000) / verify).toFixed(0)}% of raw verify (${Math.round(verify).toLocaleString('en-US')}/s)`
      }
      console.log(`${line('sync+index', (x) => x.sync, EVENTS)}; peer CPU ${us(m((x) => x.peerCpuMs), EVENTS)} µs/event`)
      console.log(line('reindex', (x) => x.reindex, EVENTS))
      console.log(line('reindex --verify-all', (x) => x.reindexAll, EVENTS))
      if (viewsHome !== undefined) console.log(`  ${name.padEnd(5)} views home reindex CPU ${(m((x) => x.views?.cpuMs ?? NaN) / 1000).toFixed(1)} s (main thread ${(m((x) => x.views?.mainMs ?? NaN) / 1000).toFixed(1)} s), wall ${(m((x) => x.views?.wallMs ?? NaN) / 1000).toFixed(1)} s`)
    }
  } finally {
    for (const p of peers) p.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
