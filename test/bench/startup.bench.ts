// Issue 18: how long the CLI takes to answer `--help` and `id` (on a small
// home and on one of 20,000 events), each as its own process, beside bare
// `node -e 0` measured in the same run. The commands take turns, so a
// change in the machine's load falls on all of them alike. Beside wall time,
// each process's own CPU time (user + system, read at its exit): on a busy
// machine it moves much less than the wall time. Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CairnNode } from '../../node/node.js'
import type { Draft } from '../../protocol/event.js'
import { repoRoot } from '../helpers/paths.js'

const RUNS = Number(process.env.CAIRN_BENCH_RUNS ?? 20)
const BIG = Number(process.env.CAIRN_BENCH_EVENTS ?? 20_000)
const BATCH = 1000 // events per postMany call
const MAIN = join(repoRoot, 'dist', 'node', 'cli', 'main.js')

async function makeHome (dir: string, events: number): Promise<string> {
  const node = await CairnNode.init(dir, 'bench')
  try {
    for (let i = 0; i < events; i += BATCH) {
      const drafts: Array<Draft<'note'>> = Array.from({ length: Math.min(BATCH, events - i) }, (_, j) => ({ type: 'note', body: { text: `note ${i + j}` }, refs: [] }))
      await node.postMany(drafts)
    }
    await node.indexer.run()
  } finally {
    await node.close()
  }
  return dir
}

// Every run (the reference too) prints its CPU time at exit; preloaded, so it is counted the same in each.
const CPU_PROBE = 'data:text/javascript,process.on("exit", () => { const u = process.cpuUsage(); process.stderr.write("\\ncpu-us " + (u.user + u.system) + "\\n") })'

/** Wall and CPU time of one run of the command, in ms; a failing run stops the bench. */
function timeOnce (argv: readonly string[]): { wall: number, cpu: number } {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, ['--import', CPU_PROBE, ...argv], { encoding: 'utf8', env: { ...process.env, CAIRN_HOME: '' } })
  const wall = performance.now() - t0
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${String(r.status)}: ${r.stderr}`)
  const cpu = /^cpu-us (\d+)$/m.exec(r.stderr)?.[1]
  return { wall, cpu: Number(cpu) / 1000 }
}

function percentile (sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] ?? NaN
}

export async function run (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-startup-'))
  try {
    const small = await makeHome(join(dir, 'small'), 3)
    const t0 = performance.now()
    const big = await makeHome(join(dir, 'big'), BIG)
    console.log(`homes made: 3 events, and ${BIG.toLocaleString('en-US')} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    const cases: Array<[string, string[]]> = [
      ['node -e 0 (reference)', ['-e', '0']],
      ['cairn --help', [MAIN, '--help']],
      ['cairn id, 3 events', [MAIN, '--home', small, 'id']],
      [`cairn id, ${BIG.toLocaleString('en-US')} events`, [MAIN, '--home', big, 'id']],
      ['cairn status, 3 events (opens the node)', [MAIN, '--home', small, 'status']]
    ]
    for (const [, argv] of cases) timeOnce(argv) // warm the file cache
    const times = cases.map((): Array<{ wall: number, cpu: number }> => [])
    for (let i = 0; i < RUNS; i++) cases.forEach(([, argv], c) => times[c]?.push(timeOnce(argv)))
    const spread = (c: number, of: 'wall' | 'cpu'): { median: number, p90: number } => {
      const sorted = (times[c] ?? []).map((t) => t[of]).sort((a, b) => a - b)
      return { median: percentile(sorted, 50), p90: percentile(sorted, 90) }
    }
    const reference = { wall: spread(0, 'wall').median, cpu: spread(0, 'cpu').median }
    console.log(`${RUNS} runs each, taking turns; ms, median / p90 (and the median above node -e 0):`)
    console.log(`  ${'command'.padEnd(42)} ${'wall'.padStart(22)} ${'CPU'.padStart(22)}`)
    cases.forEach(([name], c) => {
      const column = (of: 'wall' | 'cpu'): string => {
        const { median, p90 } = spread(c, of)
        return `${median.toFixed(0)} / ${p90.toFixed(0)}${c === 0 ? '' : ` (+${(median - reference[of]).toFixed(0)})`}`.padStart(22)
      }
      console.log(`  ${name.padEnd(42)} ${column('wall')} ${column('cpu')}`)
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
