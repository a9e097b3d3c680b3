// The check for numbers: a runner runs a recipe whose generated suite prints
// metrics with a known shift between two commits of a real git repository; compare
// names the regressed metric with its size, a repeated baseline run is not a
// regression, the regressions view tracks the metric like a failing test, and
// the History page plots it across the three tagged releases in Chromium
// (screenshot: /tmp/lab-history.png). The other checks: the
// Prometheus text and the trace (test/http/exports.test.ts), a scheduled
// baseline of an unchanged ref (test/daemon/scheduler.test.ts), a disk gate
// (test/runners/gates.test.ts).
import test from 'brittle'
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { serveHttp } from '../../node/http/server.js'
import { regressions } from '../../node/views/regressions.js'
import { compareJson } from '../../node/wire/results.js'
import { compareText } from '../../runners/result-report.js'
import { createNode } from '../helpers/nodes.js'
import { browserPage, buildUi, hasChromium } from '../ui/chromium.js'
import { git, scriptedRepo, settled, startRunner, submit, until } from './fixture.js'

/**
 * Three tagged releases: v1 and v2 run at 1000 ops/s, v3 at 800 (the known shift,
 * -20%). Each run prints 7 samples with a jitter of +-5 that changes from run to run
 * of a commit (counted in `runs/`, outside the repo), and a latency that does not move.
 */
function makeBenchRepo (dir: string): { repo: string } {
  const { repo } = scriptedRepo(dir, 'metrics', (runs) => [
    'base=$(cat base)',
    `f=${runs}/$base-$(git rev-parse --short HEAD 2>/dev/null || cat tag)`,
    'r=$(( $(cat "$f" 2>/dev/null || echo 0) + 1 )); echo $r > "$f"',
    'echo "TAP version 13"; echo "ok 1 - sanity"',
    'for i in 1 2 3 4 5 6 7; do',
    '  j=$(( (i * 7 + r * 3) % 11 - 5 ))',
    '  echo "{\\"metric\\": \\"throughput\\", \\"value\\": $((base + j)), \\"unit\\": \\"ops/s\\", \\"direction\\": \\"higher\\"}"',
    '  echo "{\\"metric\\": \\"latency\\", \\"value\\": 5.$(( (i + r) % 3 )), \\"unit\\": \\"ms\\", \\"direction\\": \\"lower\\"}"',
    'done',
  ])
  for (const [tag, base] of [['v1', 1000], ['v2', 1000], ['v3', 800]] as const) {
    writeFileSync(join(repo, 'base'), `${base}\n`)
    writeFileSync(join(repo, 'tag'), `${tag}\n`)
    git(repo, 'add', '.')
    git(repo, 'commit', '-q', '-m', `release ${tag}`)
    git(repo, 'tag', tag)
  }
  return { repo }
}

test('metrics: a 20% throughput drop is a regression with its size; a repeated baseline run is noise', { timeout: 300_000 }, async (t) => {
  const { repo } = makeBenchRepo(await t.tmp())
  const { node } = await createNode(t, 'lab')
  await startRunner(t, node)
  const run = async (ref: string, reuse?: false): Promise<ReturnType<typeof settled> & object> => {
    const job = await submit(node, { repo, ref, ...(reuse === undefined ? {} : { reuse }) })
    return await until(`the job on ${ref}`, () => settled(node, job))
  }
  const v1 = await run('v1')
  const v1again = await run('v1', false)
  const v2 = await run('v2')
  const v3 = await run('v3')
  for (const r of [v1, v1again, v2, v3]) t.is(r.body.verdict, 'pass', `${r.id.slice(0, 12)}: ${r.body.message ?? ''}`)
  const throughput = v1.body.metrics?.find((m) => m.name === 'throughput')
  t.is(throughput?.samples?.length, 7, 'the 7 printed values are the samples of one metric')
  t.is(v1.body.testRun, v1again.body.testRun, 'the rerun repeats the identity')
  t.unlike(v1.body.metrics, v1again.body.metrics, 'with other numbers')

  const repeat = compareJson(node.views, v1, v1again)
  t.is(repeat.metrics.counts.regressions, 0, 'the repeated baseline run is not a regression')
  t.alike(repeat.metrics.changes.map((c) => c.kind), ['noise', 'noise'])

  const c = compareJson(node.views, v2, v3)
  t.is(c.counts.regressions, 0, 'no test regressed')
  const regressed = c.metrics.changes.filter((m) => m.kind === 'regression')
  t.alike(regressed.map((m) => m.name), ['throughput'], 'compare names the regressed metric')
  const m = regressed[0]
  t.ok(m !== undefined && m.delta <= -190 && m.delta >= -210, `size ${m?.delta ?? '?'} ops/s`)
  t.ok(m !== undefined && m.pct !== null && Math.abs(m.pct + 20) < 1.5, `size ${m?.pct ?? '?'}%`)
  t.ok(m !== undefined && m.p !== null && m.p < 0.01, `beyond the noise (Mann-Whitney p ${m?.p ?? '?'})`)
  t.is(c.metrics.changes.find((x) => x.name === 'latency')?.kind, 'noise')
  const text = compareText(c)
  const named = /Metric regressions \(1\):\n {2}throughput {2}\d+ -> \d+ ops\/s {2}-\d+ \(-\d+\.\d%\), higher is better/.test(text)
  t.ok(named, named ? 'the text names the metric and its size' : text)

  const tracked = regressions(node.views).filter((r) => r.metric !== undefined)
  t.alike(tracked.map((r) => [r.test, r.state, r.firstSeen.result, r.lastPass.result]), [['throughput', 'failing', v3.id, v2.id]], 'the regressions view has the metric, first seen at v3, and not the repeated run')

  if (!hasChromium) { t.comment('no Chromium: the History page is not drawn'); return }
  if (import.meta.url.endsWith('.ts')) buildUi()
  const server = await serveHttp(node, { host: '127.0.0.1', port: 0 }, { token: 'x'.repeat(64) })
  t.teardown(() => server.close(), { order: -1 })
  const { page, problems } = await browserPage(t, server.url)
  await page.goto(`${server.url}#/history?metric=throughput`)
  await page.locator('#metric-chart canvas').first().waitFor()
  t.is(await page.getAttribute('#metric-chart', 'data-releases'), 'v1 v2 v3', 'the three tagged releases, in version order')
  const [one, two, three] = (await page.getAttribute('#metric-chart', 'data-values') ?? '').split(' ').map(Number)
  t.ok(one !== undefined && two !== undefined && three !== undefined && Math.abs(one - 1000) <= 5 && Math.abs(two - 1000) <= 5 && Math.abs(three - 800) <= 5, `plotted ${String([one, two, three])}`)
  const runs = await page.locator('#metric-points tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('a').length))
  t.alike(runs, [2, 1, 1], 'v1 with its repeated run')
  await page.screenshot({ path: '/tmp/lab-history.png', fullPage: true })
  t.comment('screenshot: /tmp/lab-history.png')
  t.alike(problems, [], 'no page errors, console errors or external requests')
})

const hasFio = ((): boolean => { try { execFileSync('fio', ['--version'], { stdio: 'ignore' }); return true } catch { return false } })()
if (!hasFio) console.log('# skipping the real fio run: fio is not installed (apt-get install fio)')

test('metrics: a recipe running real fio publishes its bandwidth, IOPS and latency percentiles', { skip: !hasFio, timeout: 120_000 }, async (t) => {
  const dir = await t.tmp()
  const repo = join(dir, 'repo')
  mkdirSync(join(repo, '.cairn'), { recursive: true })
  git(repo, 'init', '-q', '-b', 'main')
  // Two small jobs on a file in the work tree; fio prints their description lines before the JSON.
  writeFileSync(join(repo, '.cairn', 'recipe.yaml'), 'test:\n  run: fio --name=seqread --rw=read --bs=64k --size=4m --filename=data --ioengine=psync --name=randwrite --rw=randwrite --bs=4k --size=1m --filename=data2 --ioengine=psync --output-format=json\n  parser: fio\n')
  git(repo, 'add', '.')
  git(repo, 'commit', '-q', '-m', 'fio')
  const { node } = await createNode(t, 'lab')
  await startRunner(t, node)
  const job = await submit(node, { repo, ref: 'main' })
  const r = await until('the fio job', () => settled(node, job))
  t.is(r.body.verdict, 'pass', r.body.message ?? '')
  t.alike(r.body.tests.map((x) => [x.name, x.status]), [['seqread', 'pass'], ['randwrite', 'pass']])
  const names = new Set(r.body.metrics?.map((m) => m.name))
  for (const n of ['seqread/read/bw', 'seqread/read/iops', 'seqread/read/clat_p99', 'randwrite/write/bw', 'randwrite/write/clat_mean']) t.ok(names.has(n), n)
  t.is(r.body.metrics?.find((m) => m.name === 'seqread/read/clat_p99')?.direction, 'lower')
})
