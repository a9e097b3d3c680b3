// A metric's History page and the compare page's metrics in real Chromium:
// three tagged releases (run out of order, v1.0 twice), throughput falling
// 20% in v2.0. The chart and the table follow the releases with each one's
// spread over its runs; compare marks the drop a regression and v1.0's
// repeat as noise. Screenshots go to $TMPDIR.
import test from 'brittle'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serveHttp } from '../../node/http/server.js'
import { loadOrCreateToken } from '../../node/http/token.js'
import { createNode } from '../helpers/nodes.js'
import { browserPage, buildUi, CHROMIUM, hasChromium } from './chromium.js'

if (!hasChromium) console.log(`# skipping the metric history test: ${CHROMIUM} is missing`)

const commit = (ref: string): string => ref.replace(/\W/g, '').padEnd(40, '0')

test('history page plots a metric by release with the spread of repeated runs; compare shows the regression and a repeat as noise', { skip: !hasChromium, timeout: 60_000 }, async (t) => {
  if (import.meta.url.endsWith('.ts')) buildUi()
  const { node, home } = await createNode(t, 'lab')
  const base = { project: 'bench', repo: '/src/bench', recipe: {}, profile: 'default', tags: [], priority: 0 }
  const run = async (ref: string, samples: number[], testRun: string): Promise<string> => {
    const request = await node.post('job.request', { ...base, base: commit(ref), ref })
    const sorted = [...samples].sort((a, b) => a - b)
    const metrics = [{ name: 'throughput', value: sorted[2] as number, unit: 'ops/s', direction: 'higher' as const, samples }]
    return (await node.post('result', { job: request.id, build: `b-${ref}`, testRun, verdict: 'pass', tests: [{ name: 'bench/ok', status: 'pass' }], logs: [], environment: {}, metrics })).id
  }
  const v20 = await run('v2.0', [798, 801, 800, 803, 799], 'r3')
  const v10 = await run('v1.0', [1000, 1004, 998, 1001, 997], 'r1')
  const v11 = await run('v1.1', [1002, 999, 1003, 1000, 996], 'r2')
  const v10again = await run('v1.0', [1003, 995, 1002, 999, 1006], 'r1')
  await node.indexer.run()
  const server = await serveHttp(node, { host: '127.0.0.1', port: 0 }, { token: loadOrCreateToken(join(home, 'api.token')) })
  t.teardown(() => server.close(), { order: -1 })
  const { page, problems } = await browserPage(t, server.url)

  await page.goto(`${server.url}#/history?metric=throughput`)
  await page.locator('#metric-chart canvas').first().waitFor()
  t.is(await page.getAttribute('#metric-chart', 'data-releases'), 'v1.0 v1.1 v2.0', 'oldest release first, whatever ran when')
  t.is(await page.getAttribute('#metric-chart', 'data-values'), '1001 1000 800', 'each release\'s median (v1.0: of its two runs)')
  const rows = await page.locator('#metric-points tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-release'), tr.querySelectorAll('td')[2]?.textContent, tr.querySelectorAll('a').length]))
  t.alike(rows, [['v1.0', '995..1006', 2], ['v1.1', '996..1003', 1], ['v2.0', '798..803', 1]], 'the spread over the repeated runs\' samples, and a link per run')
  const shot = join(tmpdir(), 'cairn-metric-history.png')
  await page.screenshot({ path: shot, fullPage: true })
  t.comment(`screenshot: ${shot}`)

  const kinds = async (): Promise<unknown[]> => await page.locator('#compare-metrics tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-metric'), tr.getAttribute('data-kind')]))
  await page.goto(`${server.url}#/compare?a=${v11}&b=${v20}`)
  await page.locator('#compare-metrics').waitFor()
  t.alike(await kinds(), [['throughput', 'regression']])
  const row = await page.locator('#compare-metrics tbody tr').innerText()
  t.ok(row.includes('-200 (-20.0%)'), `its size: ${row}`)
  t.ok((await page.locator('#compare-counts').innerText()).includes('1\nmetric regressions'))
  await page.screenshot({ path: join(tmpdir(), 'cairn-compare-metrics.png'), fullPage: true })
  t.comment(`screenshot: ${join(tmpdir(), 'cairn-compare-metrics.png')}`)

  // A fresh load: a hash change alone keeps the previous comparison's table in
  // the page until the new one is drawn, and waitFor would find the old one.
  await page.goto('about:blank')
  await page.goto(`${server.url}#/compare?a=${v10}&b=${v10again}`)
  await page.locator('#compare-metrics').waitFor()
  t.alike(await kinds(), [['throughput', 'noise']], 'a repeated baseline run is within the noise')
  t.alike(problems, [], 'no page errors, console errors or external requests')
})
