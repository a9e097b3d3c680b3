// Issue 12: every command answers in about the same time and memory however
// long the history. Two homes made in this run (views-fill.ts): a small one
// (a few series, a few results) and a big one (the real lists in
// ../shared/corpora plus generated history up to CAIRN_BENCH_EVENTS events,
// default 100,000), with results of CAIRN_BENCH_TESTS tests (default 5,000)
// in both. Each command runs as its own process on each home, taking turns;
// printed: wall time and max RSS, median of CAIRN_BENCH_RUNS runs (default
// 5), and big / small (the bound: 1.3x). Then `cairn reindex` of the
// big home, events/s. Prints figures; asserts nothing. CAIRN_BENCH_KEEP=1
// keeps both homes and what the commands ask about (homes.json; the folder
// is printed) for a later run, CAIRN_BENCH_HOMES=FOLDER, which measures
// them again without making them (a million events take 20 minutes to
// make), and for other benches, e.g. route-cost.ts.
// Run: npm run bench -- views   (or node --import tsx test/bench/views.bench.ts)
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { cliArgv } from '../helpers/cli.js'
import { makeViewsHome } from './views-fill.js'
import type { ViewsHome } from './views-fill.js'

const EVENTS = Number(process.env.CAIRN_BENCH_EVENTS ?? 100_000)
const TESTS = Number(process.env.CAIRN_BENCH_TESTS ?? 5000)
const RUNS = Number(process.env.CAIRN_BENCH_RUNS ?? 5)

const POLICY = 'reviews: { required: 1, role: reviewer }\ntests: { required: [quick, full] }\nveto: [Nacked-by]\n'

// Every run prints its CPU time and max RSS at exit (preloaded, so every command pays it alike).
const PROBE = 'data:text/javascript,process.on("exit", () => { const u = process.resourceUsage(); process.stderr.write("\\nprobe " + (u.userCPUTime + u.systemCPUTime) + " " + u.maxRSS + "\\n") })'

interface Run { wall: number, cpu: number, rss: number }

/** One run of `cairn --home HOME ...args`: wall and CPU ms, max RSS in MB; a failing run stops the bench. */
function once (home: string, args: readonly string[]): Run {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, ['--import', PROBE, ...cliArgv(), '--home', home, ...args], { encoding: 'utf8', env: { ...process.env, CAIRN_HOME: '' }, maxBuffer: 256 * 1024 * 1024 })
  const wall = performance.now() - t0
  const probe = /^probe (\d+) (\d+)$/m.exec(r.stderr)
  if (r.status !== 0 || probe === null) throw new Error(`cairn ${args.join(' ')} exited ${String(r.status)}: ${r.stderr}`)
  return { wall, cpu: Number(probe[1]) / 1000, rss: Number(probe[2]) / 1024 }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

/** The commands the issue names, with this home's ids. */
function commands (h: ViewsHome): Array<[string, string[]]> {
  return [
    ['status', ['status']],
    ['log --limit 1', ['log', '--limit', '1']],
    ['series list --limit 10', ['series', 'list', '--limit', '10']],
    ['series show ID', ['series', 'show', h.richRevision]],
    ['results compare A B', ['results', 'compare', h.baseline, h.run]],
    ['policy check ID', ['policy', 'check', h.richRevision]],
    // A test of the large results (api-fill.ts, bigTests), run in every result of their repo and profile.
    ['history TEST', ['history', 'xfs/suite-0/test-0']],
    ['regressions', ['regressions']],
    // A page of results, and one series' results: the rows they print, not every result.
    ['results list --limit 20', ['results', 'list', '--limit', '20']],
    ['results list --series ID', ['results', 'list', '--series', h.richRevision]]
  ]
}

export async function run (): Promise<void> {
  const reuse = process.env.CAIRN_BENCH_HOMES
  const keep = reuse !== undefined || process.env.CAIRN_BENCH_KEEP === '1'
  const dir = reuse ?? mkdtempSync(join(tmpdir(), 'cairn-bench-views-'))
  try {
    let t0 = performance.now()
    let small: ViewsHome
    let big: ViewsHome
    if (reuse !== undefined) {
      ({ small, big } = JSON.parse(readFileSync(join(dir, 'homes.json'), 'utf8')) as { small: ViewsHome, big: ViewsHome })
      console.log(`homes of ${dir} (homes.json)`)
    } else {
      small = await makeViewsHome(join(dir, 'small'), { events: 100, corpora: false, bigTests: TESTS, bigRuns: 1 })
      big = await makeViewsHome(join(dir, 'big'), { events: EVENTS, corpora: true, bigTests: TESTS, bigRuns: 20 })
      writeFileSync(join(dir, 'homes.json'), JSON.stringify({ small, big }))
      console.log(`homes made in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
    }
    console.log(`small ${small.events} events (${small.series} series, ${small.bigResults} results of ${TESTS} tests); ` +
      `big ${big.events.toLocaleString('en-US')} events (${big.mails.toLocaleString('en-US')} real mails ingested, ${big.series.toLocaleString('en-US')} generated series, ${big.bigResults} results of ${TESTS} tests)`)
    writeFileSync(join(dir, 'policy.yaml'), POLICY)
    for (const home of ['small', 'big']) once(join(dir, home), ['policy', 'set', join(dir, 'policy.yaml')])
    const pairs = commands(small).map(([name, args], i) => ({ name, small: args, big: commands(big)[i]?.[1] ?? [] }))
    for (const p of pairs) { once(join(dir, 'small'), p.small); once(join(dir, 'big'), p.big) } // warm the file cache
    const times = pairs.map(() => ({ small: [] as Run[], big: [] as Run[] }))
    for (let r = 0; r < RUNS; r++) {
      pairs.forEach((p, i) => {
        times[i]?.small.push(once(join(dir, 'small'), p.small))
        times[i]?.big.push(once(join(dir, 'big'), p.big))
      })
    }
    console.log(`${RUNS} runs each, taking turns; medians: wall ms, CPU ms, max RSS MB (big / small)`)
    console.log(`  ${'command'.padEnd(24)} ${'small'.padStart(20)} ${'big'.padStart(20)}   wall   RSS`)
    pairs.forEach((p, i) => {
      const t = times[i] ?? { small: [], big: [] }
      const m = (rs: Run[], k: keyof Run): number => median(rs.map((x) => x[k]))
      const cell = (rs: Run[]): string => `${m(rs, 'wall').toFixed(0)} ${m(rs, 'cpu').toFixed(0)} ${m(rs, 'rss').toFixed(0)}`.padStart(20)
      console.log(`  ${p.name.padEnd(24)} ${cell(t.small)} ${cell(t.big)}   ${(m(t.big, 'wall') / m(t.small, 'wall')).toFixed(2)}x  ${(m(t.big, 'rss') / m(t.small, 'rss')).toFixed(2)}x`)
    })
    t0 = performance.now()
    const reindex = once(join(dir, 'big'), ['reindex'])
    console.log(`  cairn reindex of the big home: ${(reindex.wall / 1000).toFixed(1)} s, ${Math.round(big.events / (reindex.wall / 1000)).toLocaleString('en-US')} events/s, CPU ${(reindex.cpu / 1000).toFixed(1)} s, max RSS ${reindex.rss.toFixed(0)} MB`)
  } finally {
    if (keep) console.log(`homes kept in ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run()
