// One process of the views-db bench, so that every measure starts from a
// fresh heap and a kill -9 takes only the writer. Prints one JSON line.
//   write CANDIDATE DIR full|raw EVENTS   write the workload, timed
//   query CANDIDATE DIR                   open, the CLI's queries, RSS
//   crash CANDIDATE DIR                   write frames from the checkpoint on, "ack K" after each commit, until killed
//   verify CANDIDATE DIR                  what the checkpoints say is there, is there, and nothing more
import { createHash } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { hyperbee, lmdb, rocksdb } from './views-db-kv.js'
import { load, sqlite } from './views-db-stores.js'
import type { Candidate, ViewsStore } from './views-db-stores.js'
import { BLOCKS_PER_FRAME, FEEDS, TYPES, checkpointsAfter, eventsInBlock, frameAt, makeEvent, makeFrame, makeFrames, messageIdOf, testName, TEST_NAMES } from './views-db-workload.js'
import type { BenchEvent } from './views-db-workload.js'

export const CANDIDATES: Candidate[] = [sqlite, lmdb, rocksdb, hyperbee]
export const QUERIES = ['by id', 'newest 1', 'newest 10 of a type', 'by message-id', 'tests of a result', 'one test history'] as const
export type QueryName = typeof QUERIES[number]

export interface WriteFigures { events: number, frames: number, ms: number, cpuMs: number, closeMs: number }
export interface QueryFigures { loadMs: number, openMs: number, rssBeforeMb: number, rssMb: number, queries: Record<QueryName, { firstUs: number, medianUs: number, answers: string }> }
export interface VerifyFigures { frames: number, events: number, faults: string[] }

const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
const frameCount = (checkpoints: number[]): number => checkpoints.reduce((a, b) => a + b, 0) / BLOCKS_PER_FRAME

async function write (c: Candidate, dir: string, raw: boolean, events: number): Promise<WriteFigures> {
  const frames = makeFrames(events) // made before the clock starts: the bench times the store, not the generator
  const store = await c.open(dir, { raw })
  const t0 = performance.now()
  const c0 = cpuMs()
  for (const frame of frames) await store.writeFrame(frame)
  const ms = performance.now() - t0
  const cpu = cpuMs() - c0
  const t1 = performance.now()
  await store.close()
  return { events: frames.reduce((n, f) => n + f.events.length, 0), frames: frames.length, ms, cpuMs: cpu, closeMs: performance.now() - t1 }
}

/** Events to ask for, picked from what the checkpoints cover, before the store is opened. */
function samples (frames: number, n: number, want: (e: BenchEvent) => boolean): BenchEvent[] {
  const out: BenchEvent[] = []
  let s = 12345
  const rnd = (m: number): number => { s = (s * 1103515245 + 12345) >>> 0; return (s >>> 8) % m }
  for (let tries = 0; out.length < n && tries < n * 1000; tries++) {
    const { feed, from } = frameAt(rnd(frames))
    const block = from + rnd(BLOCKS_PER_FRAME)
    const e = makeEvent(feed, block, rnd(eventsInBlock(feed, block)))
    if (want(e)) out.push(e)
  }
  return out
}

async function query (c: Candidate, dir: string, frames: number): Promise<QueryFigures> {
  const ids = samples(frames, 200, () => true)
  const mids = samples(frames, 200, (e) => e.messageId !== undefined)
  const results = samples(frames, 20, (e) => e.type === 'result')
  const names = Array.from({ length: 20 }, (_, i) => testName(Math.floor(i * TEST_NAMES / 20)))
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20
  const t0 = performance.now()
  await load(c.pkg) // open loads it too; timed apart here, as a command's start-up pays it
  const loadMs = performance.now() - t0
  const t1 = performance.now()
  const store = await c.open(dir, { raw: false })
  await store.checkpoints()
  const openMs = performance.now() - t1
  const runs: Record<QueryName, Array<() => Promise<unknown>>> = {
    'by id': ids.map((e) => async () => (await store.event(e.id))?.id),
    'newest 1': Array.from({ length: 50 }, () => async () => (await store.newest(1)).map((r) => r.id)),
    'newest 10 of a type': Array.from({ length: 50 }, (_, i) => async () => (await store.newest(10, i % 2 === 0 ? 'series.revision' : TYPES[i % TYPES.length])).map((r) => r.id)),
    'by message-id': mids.map((e) => async () => (await store.byMessageId(messageIdOf(e.id)))?.id),
    'tests of a result': results.map((e) => async () => await store.testsOf(e.id)),
    'one test history': names.map((n) => async () => await store.history(n))
  }
  const queries = {} as QueryFigures['queries']
  for (const name of QUERIES) {
    const times: number[] = []
    const answers = createHash('sha256')
    for (const run of runs[name]) {
      const q0 = performance.now()
      const answer = await run()
      times.push((performance.now() - q0) * 1000)
      answers.update(JSON.stringify(answer ?? null))
    }
    const sorted = [...times].sort((a, b) => a - b)
    queries[name] = { firstUs: times[0] ?? NaN, medianUs: sorted[Math.floor(sorted.length / 2)] ?? NaN, answers: answers.digest('hex').slice(0, 12) }
  }
  const rssMb = process.memoryUsage().rss / 2 ** 20
  await store.close()
  return { loadMs, openMs, rssBeforeMb, rssMb, queries }
}

async function crash (c: Candidate, dir: string): Promise<void> {
  const store = await c.open(dir, { raw: false })
  let k = frameCount(await store.checkpoints())
  for (;;) {
    await store.writeFrame(makeFrame(k))
    k++
    process.stdout.write(`ack ${k}\n`)
  }
}

/** The checkpoints are those after K whole frames, and the store holds exactly those K frames' rows. */
async function verify (c: Candidate, dir: string): Promise<VerifyFigures> {
  const store = await c.open(dir, { raw: false })
  const faults: string[] = []
  const checkpoints = await store.checkpoints()
  const frames = frameCount(checkpoints)
  if (!Number.isInteger(frames) || checkpointsAfter(frames).join() !== checkpoints.join()) faults.push(`checkpoints ${checkpoints.join()} are not those after whole frames`)
  const want = { events: 0, messageIds: 0, tests: 0 }
  for (let f = 0; f < FEEDS; f++) {
    for (let b = 0; b < (checkpoints[f] ?? 0); b++) {
      for (let i = 0; i < eventsInBlock(f, b); i++) {
        const e = makeEvent(f, b, i)
        want.events++
        if (e.messageId !== undefined) want.messageIds++
        want.tests += e.tests?.length ?? 0
      }
    }
  }
  const expected: Record<string, number> = { events: want.events, byTs: want.events, byType: want.events, byAuthor: want.events, messageIds: want.messageIds, tests: want.tests, history: want.tests }
  const { counts, faults: own } = await store.audit()
  faults.push(...own)
  for (const [name, n] of Object.entries(expected)) if (counts[name] !== n) faults.push(`${name}: ${String(counts[name])} rows, the checkpoints cover ${n}`)
  // The last frame's last event is there; the first event past each checkpoint is not.
  for (let f = 0; f < FEEDS; f++) {
    const cp = checkpoints[f] ?? 0
    if (cp > 0 && await store.event(makeEvent(f, cp - 1, eventsInBlock(f, cp - 1) - 1).id) === null) faults.push(`feed ${f}: the last event before its checkpoint is missing`)
    if (await store.event(makeEvent(f, cp, 0).id) !== null) faults.push(`feed ${f}: an event past its checkpoint is present`)
  }
  await store.close()
  return { frames, events: want.events, faults }
}

async function main (): Promise<void> {
  const [mode, name, dir, arg, events] = process.argv.slice(2)
  const c = CANDIDATES.find((x) => x.name === name)
  if (c === undefined || dir === undefined) throw new Error(`usage: views-db-child write|query|crash|verify ${CANDIDATES.map((x) => x.name).join('|')} DIR ...; got ${process.argv.slice(2).join(' ')}`)
  let out: unknown
  if (mode === 'write') out = await write(c, dir, arg === 'raw', Number(events))
  else if (mode === 'query') out = await query(c, dir, Number(arg))
  else if (mode === 'crash') out = await crash(c, dir)
  else if (mode === 'verify') out = await verify(c, dir)
  else throw new Error(`unknown mode ${String(mode)}`)
  process.stdout.write(JSON.stringify(out) + '\n')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
