// Issue 17, scale: (1) how many node processes of one topic fit on this
// machine: N = 4, 8, 16... daemons (cairn start --swarm, one process each, as
// the unit starts them) meet through a private bootstrap node on loopback;
// per N, the time for all to join, the RSS per node, and the time for a post
// on one to reach all (polled over each node's HTTP API); it stops when
// convergence takes too long or N reaches CAIRN_BENCH_MAX_NODES. (2) how long
// a new node takes to catch up with a network holding CAIRN_BENCH_EVENTS
// events (default 100,000) in CAIRN_BENCH_FEEDS feeds: `cairn sync --connect
// --once` against `cairn sync --listen` on a home holding them, with the CPU
// the serving process spent meanwhile. Prints figures; asserts nothing.
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { CairnNode } from '../../node/node.js'
import { connect, listen, untilCaughtUp } from '../../node/net/sync.js'
import { cairnArgv } from '../helpers/cli.js'

const MAX_NODES = Number(process.env.CAIRN_BENCH_MAX_NODES ?? 32)
const EVENTS = Number(process.env.CAIRN_BENCH_EVENTS ?? 100_000)
const FEEDS = Number(process.env.CAIRN_BENCH_FEEDS ?? 10)
/** A post that takes longer than this to reach every node ends the node-count series. */
const CONVERGE_LIMIT_MS = 60_000
const BODY = 'x'.repeat(880) // about 1 KB per event with envelope and signature, as node.bench.ts
const TICKS = 100 // USER_HZ: /proc/PID/stat counts CPU in 1/100 s

interface Child { child: ChildProcess, lines: string[], line: (re: RegExp, ms?: number) => Promise<RegExpExecArray> }

/** `cairn ARGS` in the background at nice 5 (the machine is shared), its stdout lines kept to wait on. */
function cairnChild (home: string, ...args: string[]): Child {
  const argv = cairnArgv(home, ...args)
  const child = spawn('nice', ['-n', '5', ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CAIRN_HOME: '' } })
  const lines: string[] = []
  const waiters = new Set<() => void>()
  const push = (l: string): void => { lines.push(l); for (const w of waiters) w() }
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', push)
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => push(`stderr: ${l}`))
  child.once('exit', () => { for (const w of waiters) w() })
  const line = async (re: RegExp, ms = 120_000): Promise<RegExpExecArray> => {
    const end = Date.now() + ms
    for (;;) {
      for (const l of lines) { const m = re.exec(l); if (m !== null) return m }
      if (child.exitCode !== null || Date.now() > end) throw new Error(`cairn ${args.join(' ')}: no line ${String(re)}:\n${lines.join('\n')}`)
      await new Promise<void>((resolve) => { const w = (): void => { waiters.delete(w); clearTimeout(t); resolve() }; const t = setTimeout(w, 500); waiters.add(w) })
    }
  }
  return { child, lines, line }
}

async function stop (c: Child): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return
  const gone = new Promise((resolve) => c.child.once('exit', resolve))
  c.child.kill('SIGTERM')
  await gone
}

/** The node process: `nice` execs it, so it keeps the child's pid. */
const nodePid = (c: Child): number => c.child.pid ?? 0

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / TICKS // utime, stime
}
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/** Resolves once `ok` holds, checked every 100 ms (the answer is in other processes); the time it took. */
async function until (ok: () => Promise<boolean>, ms: number): Promise<number | null> {
  const t0 = performance.now()
  while (!(await ok())) {
    if (performance.now() - t0 > ms) return null
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return performance.now() - t0
}

async function holdsNote (port: number, id: string): Promise<boolean> {
  try {
    const page = await (await fetch(`http://127.0.0.1:${port}/api/events?type=note&limit=5`)).json() as { events: Array<{ id: string }> }
    return page.events.some((e) => e.id === id)
  } catch {
    return false
  }
}

/** N daemons on one topic: join time, RSS per node, a post's time to reach all; null when it did not within the limit. */
async function topic (dir: string, n: number, bootstrap: string): Promise<{ joinMs: number, rss: number[], reachMs: number | null }> {
  const homes: string[] = []
  for (let i = 0; i < n; i++) {
    const node = await CairnNode.init(join(dir, `n${n}-${i}`), `n${i}`)
    homes.push(node.paths.dir)
    await node.close()
  }
  const port = (i: number): number => 27400 + i
  const t0 = performance.now()
  const nodes = homes.map((h, i) => cairnChild(h, 'start', '--swarm', '--reachable', '--bootstrap', bootstrap, '--topic', `scale-${n}`, '--http', `127.0.0.1:${port(i)}`))
  try {
    await Promise.all(nodes.map(async (c) => await c.line(/^running; Ctrl-C to stop$/)))
    const joinMs = performance.now() - t0
    const token = readFileSync(join(homes[0] ?? '', 'api.token'), 'utf8').trim()
    const posted = await fetch(`http://127.0.0.1:${port(0)}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'note', body: { text: `hello ${n}` } }) })
    const { id } = await posted.json() as { id: string }
    const reachMs = await until(async () => (await Promise.all(homes.map(async (_, i) => await holdsNote(port(i), id)))).every(Boolean), CONVERGE_LIMIT_MS)
    return { joinMs, rss: nodes.map((c) => rssMb(nodePid(c))), reachMs }
  } finally {
    await Promise.all(nodes.map(stop))
  }
}

async function nodesOfOneTopic (dir: string): Promise<void> {
  const boot = cairnChild(join(dir, 'unused'), 'bootstrap', '--listen', '127.0.0.1:27399')
  try {
    await boot.line(/^bootstrap listening on /)
    console.log('  nodes  join all   RSS/node mean  max    sum      post reaches all')
    for (let n = 4; n <= MAX_NODES; n *= 2) {
      const r = await topic(dir, n, '127.0.0.1:27399')
      const mean = r.rss.reduce((a, b) => a + b, 0) / r.rss.length
      console.log(`  ${String(n).padStart(5)}  ${seconds(r.joinMs).padStart(8)}   ${mean.toFixed(0).padStart(9)} MB ${Math.max(...r.rss).toFixed(0).padStart(4)} MB ${(mean * n / 1024).toFixed(2).padStart(5)} GB  ${r.reachMs === null ? `not within ${seconds(CONVERGE_LIMIT_MS)}` : seconds(r.reachMs)}`)
      if (r.reachMs === null) break
    }
  } finally {
    await stop(boot)
  }
}

/** A home holding EVENTS events in FEEDS feeds (FEEDS - 1 writers' and its own), indexed; returns its path. */
async function bigHome (dir: string): Promise<string> {
  const per = Math.ceil(EVENTS / FEEDS)
  const server = await CairnNode.init(join(dir, 'server'), 'server')
  try {
    const write = async (node: CairnNode): Promise<void> => {
      for (let i = 0; i < per; i += 1000) await node.postMany(Array.from({ length: Math.min(1000, per - i) }, (_, j) => ({ type: 'note' as const, body: { text: `${i + j} ${BODY}` } })))
    }
    await write(server)
    for (let w = 1; w < FEEDS; w++) {
      const writer = await CairnNode.init(join(dir, `writer-${w}`), `writer-${w}`)
      try {
        await write(writer)
        await server.follow(writer.feedKey)
        const { server: tcp, address, sessions } = await listen(writer, { host: '127.0.0.1', port: 0 })
        const session = await connect(server, address)
        await untilCaughtUp(session, 120_000)
        session.destroy()
        for (const s of sessions) s.destroy()
        await new Promise((resolve) => tcp.close(resolve))
      } finally { await writer.close() }
    }
    await server.indexer.run()
    return server.paths.dir
  } finally { await server.close() }
}

async function catchUp (dir: string): Promise<void> {
  const g0 = performance.now()
  const home = await bigHome(dir)
  console.log(`  a network of ${EVENTS.toLocaleString('en-US')} events of ~1 KB in ${FEEDS} feeds, made in ${seconds(performance.now() - g0)}`)
  const serving = cairnChild(home, 'sync', '--listen', '127.0.0.1:0')
  try {
    const [, address] = await serving.line(/^listening (\S+)$/) as unknown as [string, string]
    const pid = nodePid(serving)
    const fresh = await CairnNode.init(join(dir, 'fresh'), 'fresh')
    await fresh.close()
    const cpu0 = cpuSeconds(pid)
    const t0 = performance.now()
    const r = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', 'nice', '-n', '5', ...cairnArgv(join(dir, 'fresh'), 'sync', '--connect', address, '--once', '--timeout', '120')], { encoding: 'utf8', env: { ...process.env, CAIRN_HOME: '' } })
    const wallMs = performance.now() - t0
    const servedCpu = cpuSeconds(pid) - cpu0
    const caught = /caught up: (\d+) events indexed from (\d+) feeds/.exec(r.stdout)
    const maxRss = Number(/maxrss (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024
    if (caught === null) throw new Error(`sync --once did not catch up: ${r.stdout}${r.stderr}`)
    const events = Number(caught[1])
    console.log(`  a new node catches up (sync --once)  ${seconds(wallMs)} wall for ${events.toLocaleString('en-US')} events from ${caught[2] ?? '?'} feeds: ${Math.round(events / (wallMs / 1000)).toLocaleString('en-US')} events/s, downloaded, verified and indexed; max RSS ${maxRss.toFixed(0)} MB`)
    console.log(`  the serving node meanwhile           ${servedCpu.toFixed(1)} s CPU (${(100 * servedCpu / (wallMs / 1000)).toFixed(0)}% of one core), ${(servedCpu * 1e6 / events).toFixed(0)} µs per event served`)
    console.log(`  at 1,000,000 events, if linear       ${seconds(wallMs * 1e6 / events)} wall, ${(servedCpu * 1e6 / events).toFixed(0)} s CPU on the serving node`)
  } finally {
    await stop(serving)
  }
}

export async function run (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-scale-'))
  try {
    console.log(`cairn scale bench: node ${process.version}, daemons at nice 5`)
    await nodesOfOneTopic(dir)
    await catchUp(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
