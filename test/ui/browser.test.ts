// The web UI in real headless Chromium (Debian's, driven by playwright-core):
// a maintainer's node holding a series, a review and a job, and a lab's
// results synced from a second node; the test walks the pages, checks a
// signature in the page, and sees an event synced from the peer appear live.
import test from 'brittle'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { Browser, Page } from 'playwright-core'
import { serveHttp } from '../../node/http/server.js'
import { loadOrCreateToken } from '../../node/http/token.js'
import { createNode, syncOnce } from '../helpers/nodes.js'
import { repoRoot } from '../helpers/paths.js'
import { fillLab, fillMaintainer } from '../http/fill.js'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = join(repoRoot, 'test-artifacts')
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) console.log(`# skipping the browser test: ${CHROMIUM} is missing (apt-get install chromium; CI installs it)`)

/** Run from source, the UI modules may be stale: compile them (tsc -p node/ui, about a second). */
function buildUi (): void {
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repoRoot, 'node', 'ui')], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`tsc -p node/ui failed: ${r.stdout}${r.stderr}`)
}

async function shot (page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `ui-${name}.png`), fullPage: true })
}

test('web UI: walk overview, series, revision, diff, results, compare, events, provenance, feeds, peers; live update from a peer', { skip: !hasChromium, timeout: 90_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true })
  if (import.meta.url.endsWith('.ts')) buildUi()
  const { node: maint, home } = await createNode(t, 'maintainer')
  const { node: lab } = await createNode(t, 'lab')
  const filled = await fillMaintainer(maint)
  const results = await fillLab(lab, filled.job.id)
  await maint.follow(lab.feedKey)
  t.ok(await syncOnce(lab, maint), 'the maintainer synced the lab\'s results')

  const server = await serveHttp(maint, { host: '127.0.0.1', port: 0 }, { token: loadOrCreateToken(join(home, 'api.token')) })
  t.teardown(() => server.close(), { order: -1 }) // before the nodes (order 0)
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(() => browser.close(), { order: -2 })
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`) })
  // Nothing may leave this machine: every request goes to the node itself.
  await page.route('**/*', async (route) => {
    const url = route.request().url()
    if (url.startsWith(server.url)) await route.continue()
    else { problems.push(`external request: ${url}`); await route.abort() }
  })

  await t.test('overview', async (t) => {
    await page.goto(server.url)
    await shown(page, '/')
    await page.locator('#live.on').waitFor()
    const cards = await page.locator('.cards').innerText()
    t.ok(/\d+\s+events indexed/.test(cards), 'event count card')
    t.ok(cards.includes('2\nevent feeds') || /2\s+event feeds/.test(cards), 'two event feeds: own and the lab\'s')
    t.ok((await page.locator('main').innerText()).includes('maintainer'), 'the node\'s name')
    await shot(page, 'overview')
  })

  await t.test('series list -> revision -> diff', async (t) => {
    const started = Date.now()
    await page.click('nav a[href="#/series"]')
    await shown(page, '/series')
    t.comment(`series list first render ${Date.now() - started} ms`)
    const row = page.locator('main tbody tr').first()
    t.ok((await row.innerText()).includes('xfs: mark inodes read from disk untrusted'), 'subject')
    t.ok((await row.innerText()).includes('v1') && (await row.innerText()).includes('v2'), 'both versions')
    await shot(page, 'series')
    await row.locator('a', { hasText: 'xfs: mark inodes' }).click()
    await shown(page, '/revision/:id')
    const text = await page.locator('main').innerText()
    t.ok(text.includes('Reviewed-by: Maint Ainer <maint@example.org>'), 'the review trailer')
    t.ok(text.includes('xfs: pass XFS_IGET_UNTRUSTED from xfs_iget'), 'the patch subject')
    t.ok(text.includes('xfs-quick'), 'the job')
    t.ok(text.includes('linux-xfs@vger.kernel.org'), 'the list')
    t.ok(/Results \(1\)/.test(text), 'the result of the job, from the lab')
    await shot(page, 'revision')
    await page.locator('a', { hasText: /bytes$/ }).first().click()
    await shown(page, '/blob/:hash')
    t.is(await page.locator('#blob .add').innerText(), '+\terror = xfs_iread(mp, tp, ip, flags | XFS_IGET_UNTRUSTED);\n', 'added line shown as an addition')
    t.ok(hashOf(page).startsWith(`#/blob/${filled.diffHash}`), 'the diff blob by hash')
    await shot(page, 'diff')
  })

  await t.test('results -> result -> compare', async (t) => {
    await page.click('nav a[href="#/results"]')
    await shown(page, '/results')
    t.is(await page.locator('main tbody tr').count(), 2, 'two results')
    await page.locator(`tr[data-id="${results.baseline.id}"] input[name="a"]`).check()
    await page.locator(`tr[data-id="${results.run.id}"] input[name="b"]`).check()
    await shot(page, 'results')
    await page.click('button:has-text("Compare")')
    await shown(page, '/compare')
    const counts = await page.locator('#compare-counts').innerText()
    t.ok(/1\s+regressions/.test(counts), 'one regression')
    t.ok(/0\s+fixes/.test(counts), 'no fix')
    t.ok((await page.locator('main').innerText()).includes('generic/002'), 'the regressed test named')
    await shot(page, 'compare')
    await page.goto(`${server.url}#/result/${results.run.id}`)
    await shown(page, '/result/:id')
    const report = await page.locator('#report').innerText()
    t.ok(report.includes('Failures: generic/002'), 'fstests-style Failures line')
    t.ok(report.includes('Verdict: fail'), 'verdict')
    await page.locator('a', { hasText: 'check.log' }).click()
    await shown(page, '/blob/:hash')
    t.ok((await page.locator('#blob').innerText()).includes('generic/002 - output mismatch'), 'the log in the log viewer')
    await page.goto(`${server.url}#/result/${results.run.id}`)
    await shown(page, '/result/:id')
    await shot(page, 'result')
  })

  await t.test('events and provenance: signature verified in the browser', async (t) => {
    await page.click('nav a[href="#/events"]')
    await shown(page, '/events')
    const text = await page.locator('#events').innerText()
    t.ok(text.includes('first note from the maintainer'), 'a note')
    t.ok(text.includes('lab-3'), 'events from the lab, named')
    await page.selectOption('select[name="type"]', 'note')
    await page.waitForURL(/#\/events\?type=note$/)
    await page.locator('.filters span', { hasText: /^2 events$/ }).waitFor()
    t.is(await page.locator('#events tbody tr').count(), 2, 'filtered to the two notes')
    await page.locator('#events a', { hasText: 'second note, about xfs' }).click()
    await shown(page, '/event/:id')
    t.ok((await page.locator('#provenance .verdict').innerText()).includes('signature verified'), 'signature verified')
    t.is(await page.locator('#provenance li').count(), 4, 'four checks shown')
    t.ok((await page.locator('#body').innerText()).includes('second note, about xfs'), 'the body decoded from the signed bytes')
    await shot(page, 'event')
  })

  await t.test('feeds and peers', async (t) => {
    await page.click('nav a[href="#/feeds"]')
    await shown(page, '/feeds')
    t.ok((await page.locator(`tr[data-key="${lab.feedKey}"]`).innerText()).includes('lab-3'), 'the lab\'s feed with its writer')
    await shot(page, 'feeds')
    await page.click('nav a[href="#/peers"]')
    await shown(page, '/peers')
    await page.locator('#no-peers').waitFor()
    t.pass('no peer connected now: the page works from the local replica')
    await shot(page, 'peers')
  })

  await t.test('live: an event synced from the peer appears without a reload', async (t) => {
    await page.click('nav a[href="#/events"]')
    await shown(page, '/events')
    await page.evaluate('window.stayed = true')
    await lab.post('note', { text: 'live from the lab' })
    t.ok(await syncOnce(lab, maint), 'synced')
    await page.locator('#events tr.new', { hasText: 'live from the lab' }).waitFor({ timeout: 10_000 })
    t.is(await page.evaluate('window.stayed'), true, 'same page, no reload')
    await shot(page, 'live')
  })

  await t.test('a review posted from the page lands on the node\'s feed', async (t) => {
    await page.goto(`${server.url}#/settings`)
    await shown(page, '/settings')
    await page.fill('input[name="token"]', loadOrCreateToken(join(home, 'api.token')))
    await page.click('button:has-text("Save")')
    await page.goto(`${server.url}#/revision/${filled.v2.id}`)
    await shown(page, '/revision/:id')
    await page.locator('input[name="value"]').fill('Tess Ter <tess@example.org>')
    await page.selectOption('select[name="trailer"]', 'Tested-by')
    await page.click('button:has-text("Post review")')
    await page.locator('text=Posted as').waitFor()
    await page.locator('td', { hasText: 'Tested-by: Tess Ter <tess@example.org>' }).waitFor()
    const mine = maint.log({ type: 'review', author: maint.identityKey })
    t.ok(mine.some((e) => e.type === 'review' && e.body.trailers.some((x) => x.key === 'Tested-by')), 'a review event on the maintainer\'s own feed')
    await shot(page, 'review-posted')
  })

  t.alike(problems, [], 'no page errors, console errors or external requests')
})

/** Wait until the router shows the page of this route (pages render after their data arrives). */
async function shown (page: Page, route: string): Promise<void> {
  await page.locator(`main[data-route="${route}"]`).waitFor()
}

function hashOf (page: Page): string {
  return new URL(page.url()).hash
}
