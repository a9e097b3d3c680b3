// Issue 12's check: kill -9 at random points of an ingest and of a sync
// (CAIRN_BENCH_TRIALS kills each, default 20; a run that ends before its
// kill point is not counted), then: the home opens; its views,
// caught up, equal a `reindex` of the same feeds table by table
// (views-dump.ts); nothing acknowledged is lost (an ingest's appends to its
// feed before the kill are there; a sync resumed to the end holds every
// event of the serving node; the ingest, resumed to the end, published
// exactly the events of one clean run). The ingest is
// test/email/ingest-child.ts reading a public-inbox of the git-history
// corpus, each run resuming where the last was killed; the sync is `cairn sync --connect
// --once` into a new home, against `cairn sync --listen` in another process
// serving generated history (api-fill.ts) in two feeds. Kill points are
// random (CAIRN_BENCH_SEED, printed): after some of the ingest's stored
// batches or appends to its feed, plus a few ms, or a time within a clean sync's duration.
// Prints each trial and trials/passed; exits non-zero when one failed.
// Run: npm run bench -- crash   (or node dist/test/bench/run.js crash)
import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { publicInboxSource } from '../../bridges/email/ingest/public-inbox.js'
import { splitMbox } from '../../bridges/email/parse/mbox.js'
import { CairnNode } from '../../node/node.js'
import { homePaths } from '../../node/storage/home.js'
import { appendToInbox, ingestSource, normalizedEvents } from '../email/ingest-fixture.js'
import { cairnArgv } from '../helpers/cli.js'
import { syncOnce } from '../helpers/nodes.js'
import { corpus } from '../helpers/paths.js'
import { fillApiNode } from './api-fill.js'
import { dumpDiff, dumpViews } from './views-dump.js'

const TRIALS = Number(process.env.CAIRN_BENCH_TRIALS ?? 20)
const SEED = Number(process.env.CAIRN_BENCH_SEED ?? Date.now() % 1_000_000)
/** Mails per stored batch of an ingest. */
const BATCH = 25
/** Generated events the serving node holds, beside a second feed of real mails. */
const SYNC_EVENTS = Number(process.env.CAIRN_BENCH_EVENTS ?? 8000)

/** mulberry32: the same kill points for the same seed. */
function random (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Tally { trials: number, passed: number }

/**
 * After a kill: the home opens, holds every block of its own feed that was
 * acknowledged, and its views, caught up with the feeds, equal a reindex.
 * Returns what went wrong (nothing: the trial passed).
 */
async function check (home: string, acked: number): Promise<{ faults: string[], atKill: number }> {
  const atKill = indexedIn(homePaths(home).views)
  let node: CairnNode
  try {
    node = await CairnNode.open(home)
  } catch (err) {
    return { faults: [`the home does not open: ${(err as Error).message}`], atKill }
  }
  const faults: string[] = []
  try {
    if (node.feed.core.length < acked) faults.push(`its feed holds ${node.feed.core.length} blocks; ${acked} were acknowledged`)
    await node.indexer.run()
  } finally {
    await node.close()
  }
  const indexed = dumpViews(homePaths(home).views)
  const again = await CairnNode.open(home)
  try {
    await again.reindex()
  } finally {
    await again.close()
  }
  return { faults: [...faults, ...dumpDiff(indexed, dumpViews(homePaths(home).views))], atKill }
}

/** How many events the views' file holds as the killed process left it (0: none yet). */
function indexedIn (path: string): number {
  if (!existsSync(path)) return 0
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    return (db.prepare('SELECT coalesce(sum(n), 0) AS n FROM type_counts').get() as { n: number }).n
  } finally {
    db.close()
  }
}

/** A child's stdout lines as they come, and its end. */
function watch (child: ChildProcess, onLine: (line: string) => void): Promise<{ code: number | null, signal: NodeJS.Signals | null }> {
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine)
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
}

function ingestChild (home: string, inbox: string): ChildProcess {
  const js = fileURLToPath(new URL('../email/ingest-child.js', import.meta.url))
  const argv = existsSync(js) ? [js] : ['--import', 'tsx', fileURLToPath(new URL('../email/ingest-child.ts', import.meta.url))]
  return spawn(process.execPath, [...argv, home, 'public-inbox', inbox, String(BATCH)], { stdio: ['ignore', 'pipe', 'inherit'] })
}

interface Progress { appended?: number, stored?: number, phase?: string }

/** One ingest, killed `delay` ms after `stop` says so (run to its end when it never does); the feed length it acknowledged. */
async function ingestUntil (home: string, inbox: string, stop: (line: Progress) => boolean, delay: number): Promise<{ killed: boolean, acked: number, at: string }> {
  const child = ingestChild(home, inbox)
  let acked = 0
  let at = 'start'
  let timer: NodeJS.Timeout | undefined
  const kill = (): void => { timer ??= setTimeout(() => child.kill('SIGKILL'), delay) }
  const end = await watch(child, (line) => {
    const m = JSON.parse(line) as Progress
    if (m.appended !== undefined) acked = m.appended // every line read before the child died was acknowledged
    if (timer !== undefined) return
    at = m.appended !== undefined ? `appended ${m.appended}` : m.stored !== undefined ? `stored ${m.stored}` : m.phase ?? at
    if (stop(m)) kill()
  })
  clearTimeout(timer)
  if (end.signal === null && end.code !== 0) throw new Error(`the ingest child failed (${String(end.code)})`)
  return { killed: end.signal === 'SIGKILL', acked, at }
}

/**
 * Where to kill an ingest: while it reads and stores (after 1 to 10 stored
 * batches; while some mails are still unread), or while it publishes and
 * indexes (after 1 to 4 appends to its feed).
 */
function ingestKillPoint (rand: () => number, reading: boolean): { what: string, stop: (line: Progress) => boolean } {
  if (reading && rand() < 0.7) {
    const batches = 1 + Math.floor(rand() * 10)
    let seen = 0
    return { what: `after ${batches} stored batches`, stop: (l) => l.stored !== undefined && ++seen >= batches }
  }
  const appends = 1 + Math.floor(rand() * 4)
  let seen = 0
  return { what: `after ${appends} appends`, stop: (l) => l.appended !== undefined && ++seen >= appends }
}

async function ingestTrials (dir: string, rand: () => number): Promise<Tally> {
  const mails = splitMbox(readFileSync(corpus('git-history', 'git-history.mboxrd')), { mboxrd: true })
  const inbox = join(dir, 'inbox')
  appendToInbox(inbox, 0, mails)
  const clean = await CairnNode.init(join(dir, 'ingest-clean'), 'clean')
  const summary = await ingestSource(clean, publicInboxSource(inbox, new Map()))
  const want = normalizedEvents(clean)
  await clean.close()
  console.log(`ingest: the ${mails.length} mails of git-history in a public-inbox, in batches of ${BATCH} (one clean run: ${want.length} events, ${JSON.stringify(summary.published)})`)

  const home = join(dir, 'ingest')
  await (await CairnNode.init(home, 'crashed')).close()
  const tally: Tally = { trials: 0, passed: 0 }
  // Each run resumes where the last was killed (the inbox's cursor, the bridge's state); one that ends first is no trial.
  let reading = true
  for (let attempt = 0; tally.trials < TRIALS && attempt < 3 * TRIALS; attempt++) {
    const point = ingestKillPoint(rand, reading)
    const delay = Math.floor(rand() * 40)
    const run = await ingestUntil(home, inbox, point.stop, delay)
    if (run.at === 'group' || run.at === 'publish' || run.at.startsWith('appended')) reading = false
    const { faults, atKill } = await check(home, run.acked)
    if (!run.killed && faults.length === 0) break // the ingest ran to its end: nothing is left to kill
    tally.trials++
    if (faults.length === 0) tally.passed++
    console.log(`  trial ${tally.trials}: ${run.killed ? `killed ${point.what} + ${delay} ms (${run.at}; ${atKill} events indexed)` : 'ended before the kill'}: ${faults.length === 0 ? 'opens, nothing acknowledged lost, views = reindex' : `FAILED: ${faults.join('; ')}`}`)
  }
  await ingestUntil(home, inbox, () => false, 0)
  const node = await CairnNode.open(home)
  const got = normalizedEvents(node)
  await node.close()
  const same = got.length === want.length && got.every((e, i) => e === want[i])
  console.log(`  resumed to the end: ${got.length} events, ${same ? 'exactly those of one clean run' : `NOT those of one clean run (${want.length})`}`)
  return same ? tally : { ...tally, passed: Math.min(tally.passed, tally.trials - 1) }
}

/** The serving home: generated history in its own feed and real mails in a second writer's feed it follows. */
async function servingHome (dir: string): Promise<string> {
  const server = await CairnNode.init(join(dir, 'server'), 'server')
  try {
    await fillApiNode(server, { events: SYNC_EVENTS, bigTests: 500, bigRuns: 3 })
    const writer = await CairnNode.init(join(dir, 'writer'), 'writer')
    try {
      const raws = splitMbox(readFileSync(corpus('linux-rtc', 'linux-rtc-5000.mboxrd')), { mboxrd: true }).slice(0, 1500)
      const inbox = join(dir, 'rtc-inbox')
      appendToInbox(inbox, 0, raws)
      await ingestSource(writer, publicInboxSource(inbox, new Map()))
      await server.follow(writer.feedKey)
      if (!await syncOnce(writer, server)) throw new Error('the serving node did not catch up with the writer')
    } finally {
      await writer.close()
    }
    await server.indexer.run()
    return server.paths.dir
  } finally {
    await server.close()
  }
}

/** `cairn sync --connect ADDRESS --once` into `home`, killed after `killMs` (run to its end when null); its wall time. */
async function syncInto (home: string, address: string, killMs: number | null): Promise<{ killed: boolean, ms: number }> {
  const [exe, ...argv] = cairnArgv(home, 'sync', '--connect', address, '--once', '--timeout', '120')
  const t0 = performance.now()
  const child = spawn(exe ?? process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CAIRN_HOME: '' } })
  let err = ''
  child.stderr?.on('data', (d: Buffer) => { err += d.toString() })
  const timer = killMs === null ? undefined : setTimeout(() => child.kill('SIGKILL'), killMs)
  const end = await watch(child, () => {})
  clearTimeout(timer)
  if (end.signal === null && end.code !== 0) throw new Error(`cairn sync failed (${String(end.code)}): ${err}`)
  return { killed: end.signal === 'SIGKILL', ms: performance.now() - t0 }
}

/** The event ids a home's views hold. */
async function idsOf (home: string): Promise<Set<string>> {
  const node = await CairnNode.open(home)
  try {
    return new Set(node.views.query().map((e) => e.id))
  } finally {
    await node.close()
  }
}

async function syncTrials (dir: string, rand: () => number): Promise<Tally> {
  const served = await servingHome(dir)
  const want = await idsOf(served)
  const serving = spawn(process.execPath, cairnArgv(served, 'sync', '--listen', '127.0.0.1:0').slice(1), { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CAIRN_HOME: '' } })
  const stopped = watch(serving, () => {})
  try {
    const address = await new Promise<string>((resolve) => createInterface({ input: serving.stdout as NodeJS.ReadableStream }).on('line', (l) => { const m = /^listening (\S+)$/.exec(l); if (m !== null) resolve(m[1] as string) }))
    const cleanHome = join(dir, 'sync-clean')
    await (await CairnNode.init(cleanHome, 'clean')).close()
    const clean = await syncInto(cleanHome, address, null)
    const cleanIds = await idsOf(cleanHome)
    const missing = [...want].filter((id) => !cleanIds.has(id)).length
    console.log(`sync: a node serving ${want.size} events in two feeds (generated history, 1,500 linux-rtc mails) in another process; a clean sync --once ${(clean.ms / 1000).toFixed(1)} s${missing === 0 ? '' : ` MISSING ${missing}`}`)
    const tally: Tally = { trials: 0, passed: 0 }
    // A sync that ends before its kill point is no trial: another home, another point.
    for (let i = 0; tally.trials < TRIALS && i < 3 * TRIALS; i++) {
      const home = join(dir, `sync-${i}`)
      await (await CairnNode.init(home, `b${i}`)).close()
      const killMs = Math.floor(rand() * clean.ms)
      const run = await syncInto(home, address, killMs)
      const { faults, atKill } = await check(home, 0)
      await syncInto(home, address, null) // resumed: nothing the serving node holds may be missing
      const ids = await idsOf(home)
      const lost = [...want].filter((id) => !ids.has(id)).length
      if (lost > 0) faults.push(`${lost} of the serving node's events missing after the sync resumed`)
      rmSync(home, { recursive: true, force: true })
      if (!run.killed && faults.length === 0) continue
      tally.trials++
      if (faults.length === 0) tally.passed++
      console.log(`  trial ${tally.trials}: ${run.killed ? `killed at ${killMs} ms, ${atKill} events indexed` : 'ended before the kill'}: ${faults.length === 0 ? 'opens, views = reindex, resumed sync holds every event' : `FAILED: ${faults.join('; ')}`}`)
    }
    return tally
  } finally {
    serving.kill('SIGTERM')
    await stopped
  }
}

export async function run (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-crash-'))
  try {
    console.log(`seed ${SEED} (CAIRN_BENCH_SEED), ${TRIALS} trials each (CAIRN_BENCH_TRIALS)`)
    const ingest = await ingestTrials(dir, random(SEED))
    const sync = await syncTrials(dir, random(SEED + 1))
    console.log(`kill -9 trials: ingest ${ingest.passed}/${ingest.trials} passed, sync ${sync.passed}/${sync.trials} passed`)
    if (ingest.passed < ingest.trials || sync.passed < sync.trials) process.exitCode = 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
