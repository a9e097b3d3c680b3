// results compare of two runs with 20,000 tests each (issue 4's target: under
// 100 ms), the way `cairn results compare` and the API compute it.
import { pathToFileURL } from 'node:url'
import { compareResults } from '../../protocol/results.js'
import type { ResultTest } from '../../protocol/results.js'

const STATUSES: Array<ResultTest['status']> = ['pass', 'pass', 'pass', 'pass', 'fail', 'skip', 'xfail', 'error']

function run20k (seed: number): ResultTest[] {
  let s = seed
  const next = (): number => { s = (s * 1103515245 + 12345) >>> 0; return s }
  return Array.from({ length: 20_000 }, (_, i) => ({ name: `suite${i % 40}/test-${i}`, status: STATUSES[(next() >>> 16) % STATUSES.length] as ResultTest['status'], duration: next() % 5000 }))
}

export async function run (): Promise<void> {
  const a = run20k(1)
  const b = run20k(2)
  const times: number[] = []
  let regressions = 0
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now()
    regressions = compareResults(a, b).counts.regressions
    times.push(performance.now() - t0)
  }
  times.sort((x, y) => x - y)
  console.log(`results compare, 20,000 vs 20,000 tests: median ${(times[3] ?? NaN).toFixed(1)} ms, best ${(times[0] ?? NaN).toFixed(1)} ms (${regressions} regressions found; target under 100 ms)`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
