// The views' write alone, as the indexer drives it: frames of ~1 KB notes
// committed through Views.commit into a views file of its own, CPU (user +
// system) and wall per event, with the file's SQLite page size as the
// variable: SQLite's default 4 KB beside the 16 KB openDb gives a new file,
// each at CAIRN_BENCH_EVENTS (default 100,000) in frames of 2,400 events
// (a sync or reindex) and at 20,000 in frames of 40 (live traffic). Notes
// only: no job, result or series rows. Prints figures; asserts nothing.
// Run: node dist/test/bench/run.js views-write
import Database from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pack } from '../../protocol/codec.js'
import { openDb } from '../../node/views/db/schema.js'
import type { Frame, IndexedEvent } from '../../node/views/indexed.js'
import { Views } from '../../node/views/views.js'

const EVENTS = Number(process.env.CAIRN_BENCH_EVENTS ?? 100_000)
const BODY = 'x'.repeat(880)

function frames (events: number, perFrame: number): Frame[] {
  const feed = randomBytes(32).toString('hex')
  const author = randomBytes(32).toString('hex')
  const out: Frame[] = []
  for (let i = 0; i < events; i += perFrame) {
    const end = Math.min(events, i + perFrame)
    const batch: IndexedEvent[] = []
    for (let j = i; j < end; j++) {
      batch.push({ id: randomBytes(32).toString('hex'), type: 'note', author, ts: 1_700_000_000_000 + j, refs: [], body: { text: `${j} ${BODY}` }, feed, seq: j } as IndexedEvent)
    }
    out.push({ feed, length: end, events: batch, rejected: [], bodies: batch.map((e) => pack(e.body)) })
  }
  return out
}

/** Commit `input` into a new views file of `pageSize` (made by hand first: openDb keeps the page size of a file it finds). */
function write (pageSize: number, input: Frame[]): { cpu: number, wall: number } {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-views-write-'))
  try {
    const path = join(dir, 'views.sqlite')
    const made = new Database(path)
    made.pragma(`page_size = ${pageSize}`)
    made.pragma('journal_mode = WAL')
    made.close()
    const { db } = openDb(path, false)
    if (db.pragma('page_size', { simple: true }) !== pageSize) throw new Error(`page size ${String(db.pragma('page_size', { simple: true }))}, expected ${pageSize}`)
    const views = new Views('00'.repeat(32), db, true)
    const n = input.reduce((sum, f) => sum + f.events.length, 0)
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    for (const frame of input) views.commit(frame)
    const c = process.cpuUsage(c0)
    const wall = performance.now() - t0
    views.close()
    return { cpu: (c.user + c.system) / n, wall: wall * 1000 / n }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function run (): Promise<void> {
  const cases: Array<[string, Frame[]]> = [
    [`${EVENTS.toLocaleString('en-US')} events, frames of 2,400`, frames(EVENTS, 2400)],
    ['20,000 events, frames of 40', frames(20_000, 40)]
  ]
  console.log('views write (Views.commit of ~1 KB notes into a new views file), µs per event, 3 runs each, sizes taking turns')
  for (const [what, input] of cases) {
    const runs = new Map<number, Array<{ cpu: number, wall: number }>>([[4096, []], [16384, []]])
    for (let r = 0; r < 3; r++) for (const size of r % 2 === 0 ? [4096, 16384] : [16384, 4096]) runs.get(size)?.push(write(size, input))
    for (const [size, rs] of runs) {
      const cpu = rs.map((x) => x.cpu).sort((a, b) => a - b)[1] ?? NaN
      const wall = rs.map((x) => x.wall).sort((a, b) => a - b)[1] ?? NaN
      console.log(`  ${what}, pages of ${size / 1024} KB${size === 16384 ? ' (openDb)' : ' (SQLite default)'}: CPU ${cpu.toFixed(2)}, wall ${wall.toFixed(2)} (medians)`)
    }
  }
}
