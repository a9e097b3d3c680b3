// The History page by release in real Chromium: three tagged releases tested
// out of order (v7.1 first, v6.9 last) and a series run on v7.0's commit;
// the chart's x-axis and the table follow the releases, not the run times.
// A screenshot goes to $TMPDIR.
import test from 'brittle'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serveHttp } from '../../node/http/server.js'
import { loadOrCreateToken } from '../../node/http/token.js'
import { createNode } from '../helpers/nodes.js'
import { browserPage, buildUi, CHROMIUM, hasChromium } from './chromium.js'

if (!hasChromium) console.log(`# skipping the history-by-release test: ${CHROMIUM} is missing`)

const commit = (ref: string): string => ref.replace(/\W/g, '').padEnd(40, '0')

test('history page: drawn and listed by release, run time a detail; by run time on request', { skip: !hasChromium, timeout: 60_000 }, async (t) => {
  if (import.meta.url.endsWith('.ts')) buildUi()
  const { node, home } = await createNode(t, 'lab')
  const base = { project: 'net', repo: '/src/net', recipe: {}, profile: 'default', tags: [], priority: 0 }
  const run = async (job: { base: string, ref?: string }, status: 'pass' | 'fail', n: number): Promise<string> => {
    const request = await node.post('job.request', { ...base, ...job })
    const tests = [{ name: 'net/t1', status, duration: 1000 + n * 100 }, { name: 'net/t2', status: 'pass' as const }]
    return (await node.post('result', { job: request.id, build: `b${n}`, testRun: `r${n}`, verdict: status, tests, logs: [], environment: {} })).id
  }
  const v71 = await run({ base: commit('v7.1'), ref: 'v7.1' }, 'fail', 1)
  const v70 = await run({ base: commit('v7.0'), ref: 'v7.0' }, 'pass', 2)
  const onV70 = await run({ base: commit('v7.0') }, 'pass', 3) // a commit another job named v7.0
  const v69 = await run({ base: commit('v6.9'), ref: 'v6.9' }, 'pass', 4)
  await node.indexer.run()
  const server = await serveHttp(node, { host: '127.0.0.1', port: 0 }, { token: loadOrCreateToken(join(home, 'api.token')) })
  t.teardown(() => server.close(), { order: -1 })
  const { page, problems } = await browserPage(t, server.url)

  await page.goto(`${server.url}#/history?test=net/t1`)
  await page.locator('#history-chart canvas').first().waitFor()
  t.is(await page.getAttribute('#history-chart', 'data-axis'), 'release')
  t.is(await page.getAttribute('#history-chart', 'data-releases'), 'v6.9 v7.0 v7.0 v7.1', 'oldest release first, whatever ran when')
  t.is(await page.getAttribute('#history-chart', 'data-outcomes'), 'pass pass pass fail')
  const rows = await page.locator('#history-points tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-id'), tr.querySelector('td.release')?.textContent]))
  t.alike(rows, [[v71, 'v7.1'], [onV70, 'v7.0'], [v70, 'v7.0'], [v69, 'v6.9']], 'the table: newest release first, each row with its release')
  const change = await page.locator('#history-change').innerText()
  t.ok(/pass\s*→\s*fail/.test(change) && change.includes('v7.1'), `broken in v7.1: ${change}`)
  const shot = join(tmpdir(), 'cairn-history-release.png')
  await page.screenshot({ path: shot, fullPage: true })
  t.comment(`screenshot: ${shot}`)

  await page.selectOption('select[name="order"]', 'time')
  await page.waitForURL(/order=time/)
  await page.locator('#history-chart[data-axis="time"] canvas').first().waitFor()
  t.is(await page.getAttribute('#history-chart', 'data-outcomes'), 'fail pass pass pass', 'by run time: v7.1 ran first')
  t.alike(problems, [], 'no page errors, console errors or external requests')
})
