// Issue 12's choice of an on-disk views database, by measurement: for each
// candidate (SQLite through better-sqlite3, lmdb, rocksdb-native, hyperbee on
// a local core), the indexer's write load (frames of ~320 events with their
// index rows, tests rows and the feed checkpoint in one transaction; beside
// the same events with no secondary index, the raw reference), the open time,
// the CLI's queries, RSS and disk size, in rounds that interleave the
// candidates; then kill -9 trials of a writer and a check of what survived.
// Every measure runs in a fresh child process (views-db-child.ts).
//   npm run bench -- views-db
//   CAIRN_BENCH_EVENTS=200000 CAIRN_BENCH_ROUNDS=3 CAIRN_BENCH_KILLS=20 CAIRN_BENCH_HYPERBEE_EVENTS=20000
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { CANDIDATES, QUERIES } from './views-db-child.js'
import type { QueryFigures, VerifyFigures, WriteFigures } from './views-db-child.js'
import type { Candidate } from './views-db-stores.js'

const EVENTS = Number(process.env.CAIRN_BENCH_EVENTS ?? 200_000)
/** hyperbee writes about 1,000 events/s here: it gets a smaller store, and its figures say so. */
const HYPERBEE_EVENTS = Number(process.env.CAIRN_BENCH_HYPERBEE_EVENTS ?? Math.min(EVENTS, 20_000))
const ROUNDS = Number(process.env.CAIRN_BENCH_ROUNDS ?? 3)
const KILLS = Number(process.env.CAIRN_BENCH_KILLS ?? 20)
const SEED = Number(process.env.CAIRN_BENCH_SEED ?? Date.now() % 100_000)
const CHILD = fileURLToPath(new URL('./views-db-child.js', import.meta.url))

interface Round { full: WriteFigures, raw: WriteFigures, query: QueryFigures, diskMb: number, rawDiskMb: number }
interface Kills { trials: number, frames: number, faults: string[], lost: number, openedDuringRecovery: number }

/** Run the child; resolve with its last stdout line parsed, or reject with its stderr. */
async function child<T> (args: string[]): Promise<T> {
  const p = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  p.stdout.on('data', (d: Buffer) => { out += d.toString() })
  p.stderr.on('data', (d: Buffer) => { err += d.toString() })
  const code = await new Promise<number | null>((resolve) => p.once('exit', resolve))
  if (code !== 0) throw new Error(`views-db-child ${args.join(' ')} exited ${String(code)}: ${err.slice(-2000)}`)
  return JSON.parse(out.trim().split('\n').at(-1) ?? 'null') as T
}

function diskMb (dir: string): number {
  let bytes = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).blocks * 512 // allocated, not apparent (lmdb's map is sparse)
  }
  return bytes / 2 ** 20
}

async function round (c: Candidate, events: number): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), `cairn-views-db-${c.name}-`))
  const rawDir = mkdtempSync(join(tmpdir(), `cairn-views-db-${c.name}-raw-`))
  try {
    const full = await child<WriteFigures>(['write', c.name, dir, 'full', String(events)])
    const query = await child<QueryFigures>(['query', c.name, dir, String(full.frames)])
    const raw = await child<WriteFigures>(['write', c.name, rawDir, 'raw', String(events)])
    return { full, raw, query, diskMb: diskMb(dir), rawDiskMb: diskMb(rawDir) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    rmSync(rawDir, { recursive: true, force: true })
  }
}

/** A writer killed with SIGKILL at a random moment (during its open, often mid-commit), then the store checked; the same store goes on across trials. */
async function kills (c: Candidate, rnd: () => number): Promise<Kills> {
  const dir = mkdtempSync(join(tmpdir(), `cairn-views-db-${c.name}-kill-`))
  const result: Kills = { trials: 0, frames: 0, faults: [], lost: 0, openedDuringRecovery: 0 }
  try {
    for (let t = 0; t < KILLS; t++) {
      const p = spawn(process.execPath, [CHILD, 'crash', c.name, dir], { stdio: ['ignore', 'pipe', 'pipe'] })
      let acked = -1
      let tail = ''
      let firstAck = (): void => {}
      const acking = new Promise<void>((resolve) => { firstAck = resolve })
      p.stdout.on('data', (d: Buffer) => {
        const lines = (tail + d.toString()).split('\n')
        tail = lines.pop() ?? ''
        for (const line of lines) if (line.startsWith('ack ')) { acked = Number(line.slice(4)); firstAck() }
      })
      const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()))
      // One trial in four is killed while the writer opens (and recovers); the rest while it commits frames.
      if (t % 4 !== 0) await Promise.race([acking, exited])
      await new Promise((resolve) => setTimeout(resolve, rnd() * (t % 4 === 0 ? 400 : 800)))
      p.kill('SIGKILL')
      await exited
      if (acked < 0) result.openedDuringRecovery++
      const v = await child<VerifyFigures>(['verify', c.name, dir])
      result.trials++
      result.frames = v.frames
      result.faults.push(...v.faults.map((f) => `trial ${t}: ${f}`))
      // Committed = acknowledged: at most the one frame whose ack the kill cut off may be there unacknowledged.
      if (v.frames < acked) { result.lost += acked - v.frames; result.faults.push(`trial ${t}: ${acked} frames acknowledged, ${v.frames} there`) }
      if (acked >= 0 && v.frames > acked + 1) result.faults.push(`trial ${t}: ${v.frames} frames there, only ${acked} acknowledged`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return result
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
/** median (min-max) over the rounds. */
function spread (xs: number[], digits = 0): string {
  if (xs.length === 1) return fmt(xs[0] ?? NaN, digits)
  return `${fmt(median(xs), digits)} (${fmt(Math.min(...xs), digits)}-${fmt(Math.max(...xs), digits)})`
}

function report (results: Map<string, Round[]>, killed: Map<string, Kills>): void {
  const names = [...results.keys()]
  const row = (label: string, f: (r: Round) => number, digits = 0): string => `| ${label} | ${names.map((n) => spread((results.get(n) ?? []).map(f), digits)).join(' | ')} |`
  const lines = [
    `| median (min-max) over ${ROUNDS} rounds | ${names.join(' | ')} |`,
    `|---|${names.map(() => '---').join('|')}|`,
    `| events written | ${names.map((n) => fmt(results.get(n)?.[0]?.full.events ?? NaN)).join(' | ')} |`,
    row('write, events/s (views + indexes + tests + checkpoint)', (r) => r.full.events / (r.full.ms / 1000)),
    row('write, CPU µs/event', (r) => r.full.cpuMs * 1000 / r.full.events),
    row('raw reference: events by id + checkpoint only, events/s', (r) => r.raw.events / (r.raw.ms / 1000)),
    row('raw reference, CPU µs/event', (r) => r.raw.cpuMs * 1000 / r.raw.events),
    row('load the package, ms', (r) => r.query.loadMs, 1),
    row('open + read checkpoints, ms', (r) => r.query.openMs, 1),
    ...QUERIES.map((q) => row(`${q}, µs median`, (r) => r.query.queries[q].medianUs)),
    ...QUERIES.map((q) => row(`${q}, µs first call`, (r) => r.query.queries[q].firstUs)),
    row('RSS before open, MB', (r) => r.query.rssBeforeMb),
    row('RSS after open + queries, MB', (r) => r.query.rssMb),
    row('disk, MB', (r) => r.diskMb, 1),
    row('disk of the raw reference, MB', (r) => r.rawDiskMb, 1),
    `| kill -9 trials: store opened and matched its checkpoints | ${names.map((n) => { const k = killed.get(n); return k === undefined ? '-' : `${k.trials - new Set(k.faults.map((f) => f.split(':')[0])).size}/${k.trials} (${k.openedDuringRecovery} killed before a commit), ${fmt(k.frames)} frames` }).join(' | ')} |`,
    `| kill -9: acknowledged frames lost | ${names.map((n) => String(killed.get(n)?.lost ?? '-')).join(' | ')} |`
  ]
  console.log(lines.join('\n'))
  for (const [name, rs] of results) {
    const answers = QUERIES.map((q) => rs[0]?.query.queries[q].answers).join(' ')
    console.log(`${name} answers: ${answers}`)
  }
  for (const [name, k] of killed) for (const f of k.faults) console.log(`${name} kill -9 fault: ${f}`)
}

export async function run (): Promise<void> {
  const require = createRequire(import.meta.url)
  const present = CANDIDATES.filter((c) => {
    try { require.resolve(c.pkg); return true } catch { console.log(`${c.name}: skipped, ${c.pkg} is not installed (npm install --no-save ${c.pkg} to measure it)`); return false }
  })
  console.log(`${EVENTS.toLocaleString('en-US')} events (hyperbee ${HYPERBEE_EVENTS.toLocaleString('en-US')}), ${ROUNDS} rounds, ${KILLS} kill -9 trials each, seed ${SEED}`)
  const results = new Map<string, Round[]>(present.map((c) => [c.name, []]))
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order each round, so a busy spell of the machine does not always fall on one candidate.
    for (let i = 0; i < present.length; i++) {
      const c = present[(i + r) % present.length] as Candidate
      const figures = await round(c, c.name === 'hyperbee' ? HYPERBEE_EVENTS : EVENTS)
      results.get(c.name)?.push(figures)
      console.log(`round ${r + 1} ${c.name}: ${fmt(figures.full.events / (figures.full.ms / 1000))} events/s, open ${fmt(figures.query.openMs, 1)} ms, RSS ${fmt(figures.query.rssMb)} MB, disk ${fmt(figures.diskMb, 1)} MB`)
    }
  }
  let s = SEED
  const rnd = (): number => { s = (s * 1103515245 + 12345) >>> 0; return (s >>> 8) / 2 ** 24 }
  const killed = new Map<string, Kills>()
  for (const c of present) {
    const k = await kills(c, rnd)
    killed.set(c.name, k)
    console.log(`kill -9 ${c.name}: ${k.trials} trials, ${k.faults.length} faults, ${k.frames} frames at the end`)
  }
  report(results, killed)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
