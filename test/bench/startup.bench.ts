// Issue 18: how long the CLI takes to answer `--help` and `id` (on a small
// home and on one of 20,000 events), each as its own process, beside bare
// `node -e 0` measured in the same run. The commands take turns, so a
// change in the machine's load falls on all of them alike. Prints figures;
// asserts nothing.
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

/** Wall time of one run of the command, in ms; a failing run stops the bench. */
function timeOnce (argv: readonly string[]): number {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', env: { ...process.env, CAIRN_HOME: '' } })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${String(r.status)}: ${r.stderr}`)
  return ms
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
    const times = cases.map((): number[] => [])
    for (let i = 0; i < RUNS; i++) cases.forEach(([, argv], c) => times[c]?.push(timeOnce(argv)))
    const reference = percentile([...times[0] ?? []].sort((a, b) => a - b), 50)
    console.log(`${RUNS} runs each, taking turns; ms:`)
    console.log(`  ${'command'.padEnd(42)} ${'median'.padStart(7)} ${'p90'.padStart(7)} ${'median - node'.padStart(14)}`)
    cases.forEach(([name], c) => {
      const sorted = [...times[c] ?? []].sort((a, b) => a - b)
      const median = percentile(sorted, 50)
      console.log(`  ${name.padEnd(42)} ${median.toFixed(0).padStart(7)} ${percentile(sorted, 90).toFixed(0).padStart(7)} ${(c === 0 ? '' : `+${(median - reference).toFixed(0)}`).padStart(14)}`)
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
