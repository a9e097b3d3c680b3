// The History page by release in real Chromium: three tagged releases tested
// out of order (v7.1 first, v6.9 last) and a series run on v7.0's commit;
// the chart's x-axis and the table follow the releases, not the run times.
// v7.0 is run again (reuse off) and net/t2 fails there: the flake ledger
// holds it flaky, and the page and the compare page show it apart from
// net/t1's regression. Screenshots go to $TMPDIR.
import test from 'brittle'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serveHttp } from '../../node/http/server.js'
import { loadOrCreateToken } from '../../node/http/token.js'
import { createNode } from '../helpers/nodes.js'
import { browserPage, buildUi, CHROMIUM, hasChromium } from './chromium.js'

if (!hasChromium) console.log(`# skipping the history-by-release test: ${CHROMIUM} is missing`)

const commit = (ref: string): string => ref.replace(/\W/g, '').padEnd(40, '0')
type Status = 'pass' | 'fail'

test('history page: drawn and listed by release, run time a detail, a flaky test marked apart from the regression; by run time on request; compare lists the flake apart', { skip: !hasChromium, timeout: 60_000 }, async (t) => {
  if (import.meta.url.endsWith('.ts')) buildUi()
  const { node, home } = await createNode(t, 'lab')
  const base = { project: 'net', repo: '/src/net', recipe: {}, profile: 'default', tags: [], priority: 0 }
  const run = async (job: { base: string, ref?: string, reuse?: false }, [t1, t2]: [Status, Status], n: number, testRun = `r${n}`): Promise<string> => {
    const request = await node.post('job.request', { ...base, ...job })
    const tests = [{ name: 'net/t1', status: t1, duration: 1000 + n * 100 }, { name: 'net/t2', status: t2 }]
    return (await node.post('result', { job: request.id, build: `b${n}`, testRun, verdict: t1 === 'fail' || t2 === 'fail' ? 'fail' : 'pass', tests, logs: [], environment: {} })).id
  }
  const v71 = await run({ base: commit('v7.1'), ref: 'v7.1' }, ['fail', 'pass'], 1)
  const v70 = await run({ base: commit('v7.0'), ref: 'v7.0' }, ['pass', 'pass'], 2)
  const onV70 = await run({ base: commit('v7.0') }, ['pass', 'pass'], 3) // a commit another job named v7.0
  const v69 = await run({ base: commit('v6.9'), ref: 'v6.9' }, ['pass', 'pass'], 4)
  const v70again = await run({ base: commit('v7.0'), ref: 'v7.0', reuse: false }, ['pass', 'fail'], 5, 'r2') // v7.0's identity again: net/t2 disagrees
  await node.indexer.run()
  const server = await serveHttp(node, { host: '127.0.0.1', port: 0 }, { token: loadOrCreateToken(join(home, 'api.token')) })
  t.teardown(() => server.close(), { order: -1 })
  const { page, problems } = await browserPage(t, server.url)
  const rowsOf = async (): Promise<unknown[]> => await page.locator('#history-points tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-id'), tr.querySelector('td.release')?.textContent, tr.hasAttribute('data-flaky')]))

  await page.goto(`${server.url}#/history?test=net/t1`)
  await page.locator('#history-chart canvas').first().waitFor()
  t.is(await page.getAttribute('#history-chart', 'data-axis'), 'release')
  t.is(await page.getAttribute('#history-chart', 'data-releases'), 'v6.9 v7.0 v7.0 v7.0 v7.1', 'oldest release first, whatever ran when')
  t.is(await page.getAttribute('#history-chart', 'data-outcomes'), 'pass pass pass pass fail')
  t.alike(await rowsOf(), [[v71, 'v7.1', false], [v70again, 'v7.0', false], [onV70, 'v7.0', false], [v70, 'v7.0', false], [v69, 'v6.9', false]], 'the table: newest release first, each row with its release')
  const change = await page.locator('#history-change').innerText()
  t.ok(/pass\s*→\s*fail/.test(change) && change.includes('v7.1'), `broken in v7.1: ${change}`)
  t.is(await page.locator('#history-flaky').count(), 0, 'net/t1 is not flaky')
  const shot = join(tmpdir(), 'cairn-history-release.png')
  await page.screenshot({ path: shot, fullPage: true })
  t.comment(`screenshot: ${shot}`)

  await page.goto(`${server.url}#/history?test=net/t2`)
  await page.locator('#history-flaky').waitFor()
  t.is(await page.getAttribute('#history-chart', 'data-outcomes'), 'pass pass pass fail pass')
  t.is(await page.getAttribute('#history-chart', 'data-flaky'), '- flaky - flaky -', 'both runs of v7.0\'s identity are ringed')
  t.alike(await rowsOf(), [[v71, 'v7.1', false], [v70again, 'v7.0', true], [onV70, 'v7.0', false], [v70, 'v7.0', true], [v69, 'v6.9', false]], 'the rows of the flaky runs are marked')
  t.ok((await page.locator('#history-change').innerText()).startsWith('No change in 5'), 'a flake is no change: not a regression, and its pass after it no fix')
  t.ok((await page.locator('#history-flaky').innerText()).includes('in 2 of 5 result(s)'))
  const flakyShot = join(tmpdir(), 'cairn-history-flaky.png')
  await page.screenshot({ path: flakyShot, fullPage: true })
  t.comment(`screenshot: ${flakyShot}`)

  await page.goto(`${server.url}#/compare?a=${v70again}&b=${v71}`)
  await page.locator('#compare-flaky').waitFor()
  const names = async (id: string): Promise<unknown[]> => await page.locator(`#${id} tbody tr`).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-test')))
  t.alike([await names('compare-regressions'), await names('compare-flaky'), await page.locator('#compare-fixes').count()], [['net/t1'], ['net/t2'], 0], 'the regression, and the flaky test apart (not a fix)')
  t.ok((await page.locator('#compare-counts').innerText()).includes('1\nflaky'), 'counted as flaky')
  await page.screenshot({ path: join(tmpdir(), 'cairn-compare-flaky.png'), fullPage: true })
  t.comment(`screenshot: ${join(tmpdir(), 'cairn-compare-flaky.png')}`)

  await page.goto(`${server.url}#/history?test=net/t1`)
  await page.locator('#history-chart[data-axis="release"] canvas').first().waitFor()
  await page.selectOption('select[name="order"]', 'time')
  await page.waitForURL(/order=time/)
  await page.locator('#history-chart[data-axis="time"] canvas').first().waitFor()
  t.is(await page.getAttribute('#history-chart', 'data-outcomes'), 'fail pass pass pass pass', 'by run time: v7.1 ran first')
  t.alike(problems, [], 'no page errors, console errors or external requests')
})
