// The web UI in real headless Chromium (Debian's, driven by playwright-core)
// over real events: the git-history corpus ingested by the email bridge, and
// a small project whose series breaks one test, mailed through the bridge
// and run by a real runner on a lab node (baseline at v1.0, then the
// series, then a v2 of it). The test walks list -> series -> diff -> result
// -> provenance -> revisions side by side -> interdiff -> compare -> history,
// checks a signature in the page, sees events and a result synced from the
// lab appear live, and saves screenshots in test-artifacts/.
import test from 'brittle'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import type { TestInstance } from 'brittle'
import { serveHttp } from '../../node/http/server.js'
import { loadOrCreateToken } from '../../node/http/token.js'
import type { CairnNode } from '../../node/node.js'
import type { CairnEvent } from '../../protocol/event.js'
import { createNode } from '../helpers/nodes.js'
import { corpus, hasShared, repoRoot } from '../helpers/paths.js'
import { browserPage, buildUi, CHROMIUM, hasChromium } from './chromium.js'
import { CORPUS_LIST, PATCH_SUBJECT, PROJECT_LIST, REGRESSED, V2_MESSAGE, V2_README, ingestCorpus, ingestSeries, makeRegressionProject, releaseWithSeries, resultOf, startLab, submitJob } from './real-data.js'

const ARTIFACTS = join(repoRoot, 'test-artifacts')
if (!hasChromium) console.log(`# skipping the browser test: ${CHROMIUM} is missing (apt-get install chromium; CI installs it)`)
if (!hasShared) console.log('# skipping the browser test: it needs ../shared/corpora (the git-history corpus), absent in this checkout')

async function shot (page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `ui-${name}.png`), fullPage })
}

/** The corpus's first series (kh/doc-trailers, 11 patches): its cover subject and the patch subjects without RFC 2047 words. */
function corpusSeries (): { topic: string, total: number, subjects: string[] } {
  const first = JSON.parse(readFileSync(corpus('git-history', 'expected-series.jsonl'), 'utf8').split('\n')[0] ?? '{}') as { cover: { subject: string }, patches: Array<{ subject: string }> }
  const topic = /Merge branch '([^']+)'/.exec(first.cover.subject)?.[1] ?? ''
  const subjects = first.patches.map((p) => p.subject).filter((s) => !s.includes('=?')).map((s) => s.replace(/^\[PATCH [^\]]*\] /, ''))
  return { topic, total: first.patches.length, subjects }
}

/** What the data-filling step gives. */
type Filled = Omit<Ui, 'server' | 'page' | 'problems'>

/** What the steps share: the two nodes, the data filled in, the server and the page. */
interface Ui {
  maint: CairnNode
  lab: CairnNode
  home: string
  ingested: { mails: number, series: number }
  project: ReturnType<typeof makeRegressionProject>
  revision: CairnEvent<'series.revision'>
  baseline: CairnEvent<'result'>
  run: CairnEvent<'result'>
  server: Awaited<ReturnType<typeof serveHttp>>
  page: Page
  problems: string[]
}

test('web UI over real data: corpus series, a runner\'s regression from result to compare to history; provenance; live updates from the lab', { skip: (!hasChromium || !hasShared), timeout: 120_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true })
  if (import.meta.url.endsWith('.ts')) buildUi()
  const ui = await openPage(t, await fillNodes(t))

  await t.test('overview', async (t) => await overview(t, ui))
  await t.test('series list -> a corpus series -> its diff', async (t) => await corpusSeriesToDiff(t, ui))
  await t.test('the project\'s series -> diff -> result -> provenance', async (t) => await projectSeriesToProvenance(t, ui))
  await t.test('a v2 through the bridge: the revisions side by side, the interdiff v1 -> v2', async (t) => await v2SideBySide(t, ui))
  await t.test('results -> compare: the regression', async (t) => await resultsToCompare(t, ui))
  await t.test('compare -> history: pass at v1.0, fail with the series; a release arriving from the lab is drawn live', async (t) => await compareToHistory(t, ui))
  await t.test('events: a note synced from the lab appears without a reload', async (t) => await liveEvents(t, ui))
  await t.test('feeds and peers', async (t) => await feedsAndPeers(t, ui))
  await t.test('a review posted from the page lands on the node\'s feed', async (t) => await reviewFromPage(t, ui))

  t.alike(ui.problems, [], 'no page errors, console errors or external requests')
})

/** The maintainer and lab nodes, the corpus and the project's series through the bridge, the baseline and the series run on the lab. */
async function fillNodes (t: TestInstance): Promise<Filled> {
  const { node: maint, home } = await createNode(t, 'maintainer')
  const { node: lab } = await createNode(t, 'lab')
  await maint.post('identity.link', { feed: maint.feedKey, blobs: maint.blobsKey, name: 'maintainer' })

  const filling = Date.now()
  const ingested = await ingestCorpus(maint)
  const ingestMs = Date.now() - filling
  t.alike([ingested.mails, ingested.series], [1653, 515], 'the corpus through the email bridge: 1653 mails, 515 series')
  const project = makeRegressionProject(await t.tmp())
  t.is((await ingestSeries(maint, project)).published['series.revision'], 1, 'the project\'s series through the bridge')
  const revision = maint.log({ type: 'series.revision' }).find((e) => e.type === 'series.revision' && e.body.subject.includes(PATCH_SUBJECT))
  if (revision?.type !== 'series.revision') throw new Error('the project\'s series was not published')
  await startLab(t, maint, lab)
  const jobsStarted = Date.now()
  const baseline = await resultOf(maint, await submitJob(maint, { repo: project.repo, ref: 'v1.0', profile: 'quick' }))
  const run = await resultOf(maint, await submitJob(maint, { repo: project.repo, series: revision.id, profile: 'quick' }))
  t.is(baseline.body.verdict, 'pass', 'the release passes')
  t.is(run.body.verdict, 'fail', 'the series fails')
  t.alike(run.body.tests.map((x) => [x.name, x.status]), [['math/adds', 'pass'], [REGRESSED, 'fail'], ['math/subtracts', 'pass']], 'one test regressed')
  t.comment(`filled in ${Date.now() - filling} ms: ${maint.views.count} events (corpus ingest ${ingestMs} ms, two runner jobs on the lab ${Date.now() - jobsStarted} ms)`)
  return { maint, lab, home, ingested, project, revision, baseline, run }
}

/** The node's HTTP server and a page in headless Chromium that may talk to nothing else. */
async function openPage (t: TestInstance, filled: Filled): Promise<Ui> {
  const { maint, home } = filled
  const server = await serveHttp(maint, { host: '127.0.0.1', port: 0 }, { token: loadOrCreateToken(join(home, 'api.token')) })
  t.teardown(() => server.close(), { order: -1 }) // before the nodes (order 0)
  return { ...filled, server, ...await browserPage(t, server.url) }
}

async function overview (t: TestInstance, { page, server }: Ui): Promise<void> {
  await page.goto(server.url)
  await shown(page, '/')
  await page.locator('#live.on').waitFor()
  t.ok(/2\s+event feeds/.test(await page.locator('.cards').innerText()), 'two event feeds: own and the lab\'s')
  await shot(page, 'overview')
}

async function corpusSeriesToDiff (t: TestInstance, { page, ingested }: Ui): Promise<void> {
  const started = Date.now()
  await page.click('nav a[href="#/series"]')
  await shown(page, '/series')
  const rendered = Date.now() - started
  const fetched = await page.evaluate("performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/series')).map((e) => Math.round(e.duration))[0]")
  t.comment(`series list first render ${rendered} ms (${ingested.series + 1} series; GET /api/series ${String(fetched)} ms of it)`)
  const rows = page.locator('main tbody tr')
  t.is(await rows.count(), 100, 'a first page of 100 rows')
  t.is(await page.locator('#series-count').innerText(), `${ingested.series + 1} series, 100 shown`)
  const dates = await rows.locator('td:last-child').allInnerTexts()
  t.alike(dates, [...dates].sort().reverse(), 'newest first, by mail date')
  await shot(page, 'series', false) // the first screenful
  await page.click('#series-more')
  await page.locator('main tbody tr:nth-child(200)').waitFor()
  await page.locator('#series-more').scrollIntoViewIfNeeded() // scrolled to the end: the next page loads by itself
  await page.locator('main tbody tr:nth-child(300)').waitFor()
  t.pass('"More" and scrolling to the end load the next pages')

  const { topic, total, subjects } = corpusSeries()
  await page.fill('input[name="q"]', topic)
  await page.press('input[name="q"]', 'Enter')
  await page.waitForURL(new RegExp(`q=${encodeURIComponent(topic).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
  await page.locator('main tbody tr').first().waitFor()
  const row = page.locator('main tbody tr', { hasText: topic })
  t.ok((await row.innerText()).includes(CORPUS_LIST), 'the list the bridge read it from')
  await row.locator('a').first().click()
  await shown(page, '/revision/:id')
  const text = await page.locator('main').innerText()
  t.ok(text.includes(`Patches (${total} of ${total})`), `all ${total} patches`)
  for (const s of subjects) t.ok(text.includes(s), `patch: ${s}`)
  await shot(page, 'corpus-revision')
  await page.locator('a', { hasText: /bytes$/ }).first().click()
  await shown(page, '/blob/:hash')
  t.ok((await page.locator('#blob').innerText()).includes('diff --git a/Documentation/git-interpret-trailers.adoc'), 'the first patch\'s diff')
  t.ok(await page.locator('#blob .add').count() > 0, 'added lines marked')
  await shot(page, 'corpus-diff')
}

async function projectSeriesToProvenance (t: TestInstance, { page, server, revision, run }: Ui): Promise<void> {
  await page.goto(`${server.url}#/series?q=${encodeURIComponent('answer 42')}`)
  await shown(page, '/series')
  t.ok(/tested\.fail/.test(await page.locator('main tbody tr', { hasText: PATCH_SUBJECT }).innerText()), 'in the list with its state: its job failed')
  await page.locator('main tbody tr a', { hasText: PATCH_SUBJECT }).first().click()
  await shown(page, '/revision/:id')
  t.ok(hashOf(page).startsWith(`#/revision/${revision.id}`))
  const text = await page.locator('main').innerText()
  t.ok(text.includes(PROJECT_LIST), 'the list')
  t.ok(text.includes('quick'), 'the job\'s profile')
  t.ok(/Results \(1\)/.test(text), 'the lab\'s result of the job')
  await shot(page, 'revision')
  await page.locator('a', { hasText: /bytes$/ }).first().click()
  await shown(page, '/blob/:hash')
  t.is(await page.locator('#blob .add').innerText(), '+42\n', 'the change: 41 -> 42')
  t.is(await page.locator('#blob .del', { hasText: /^-41/ }).innerText(), '-41\n')
  await shot(page, 'diff')
  await page.goBack()
  await shown(page, '/revision/:id')
  await page.locator(`a[href="#/result/${run.id}"]`).click()
  await shown(page, '/result/:id')
  const report = await page.locator('#report').innerText()
  t.ok(report.includes(`Failures: ${REGRESSED}`), 'fstests-style Failures line')
  t.ok(report.includes('Verdict: fail'), 'verdict')
  t.ok((await page.locator('main').innerText()).includes('lab-3'), 'the runner, by name')
  const charts = page.locator('#telemetry .telemetry-chart')
  // Drawn once the telemetry blobs arrive: wait for the first, not a count taken at once. Every
  // sampled step has a start and an end sample, however quick it was (runners/telemetry.ts).
  await charts.first().waitFor()
  t.ok(await charts.count() >= 1, 'a telemetry chart per sampled step')
  t.ok(Number(await charts.first().getAttribute('data-samples')) >= 2 && await charts.first().locator('canvas').count() === 1, 'drawn by uPlot from the telemetry blob, from two samples or more')
  await shot(page, 'result')
  await page.locator('a', { hasText: 'test-test.log' }).click()
  await shown(page, '/blob/:hash')
  t.ok((await page.locator('#blob').innerText()).includes(`not ok 2 - ${REGRESSED}`), 'the test step\'s log in the log viewer')
  await page.goBack()
  await shown(page, '/result/:id')
  await page.locator('a', { hasText: 'provenance' }).click()
  await shown(page, '/event/:id')
  t.ok((await page.locator('#provenance .verdict').innerText()).includes('signature verified'), 'the lab\'s signature verified in the browser')
  t.ok((await page.locator('#body').innerText()).includes(`"testRun": "${run.body.testRun}"`), 'the body decoded from the signed bytes')
  await shot(page, 'event')
}

async function v2SideBySide (t: TestInstance, { page, server, maint, project, revision }: Ui): Promise<void> {
  await page.goto(`${server.url}#/series?path=${encodeURIComponent('value')}`)
  await shown(page, '/series')
  t.is(await page.locator('#series-count').innerText(), '1 series', 'the path filter: the one series touching value')
  await page.locator('main tbody tr a', { hasText: PATCH_SUBJECT }).first().click()
  await shown(page, '/revision/:id')
  t.is(await page.locator('#versions .version').count(), 1, 'one revision so far')
  await page.evaluate('window.stayed = true')

  t.is((await ingestSeries(maint, project, project.patchV2)).published['series.revision'], 1, '[PATCH v2] through the bridge')
  const v2 = maint.log({ type: 'series.revision' }).find((e) => e.type === 'series.revision' && e.body.series === revision.body.series && e.body.version === 2)
  if (v2 === undefined) throw new Error('v2 was not published as a revision of the same series')
  const card = (v: number): ReturnType<Page['locator']> => page.locator(`#versions .version[data-version="${v}"]`)
  await card(2).waitFor({ timeout: 10_000 })
  t.is(await page.evaluate('window.stayed'), true, 'v2 appeared on the open page, no reload')
  const [one, two] = [await card(1).innerText(), await card(2).innerText()]
  t.ok(one.includes('v1') && one.includes('superseded') && one.includes('1/1 patch') && one.includes('2025-01-01'), `v1: ${one.replace(/\s+/g, ' ')}`)
  t.ok(two.includes('v2') && two.includes('new') && two.includes('1/1 patch') && two.includes('2025-01-08'), `v2: ${two.replace(/\s+/g, ' ')}`)
  const [left, right] = [await card(1).boundingBox(), await card(2).boundingBox()]
  t.ok(left !== null && right !== null && left.y === right.y && left.x < right.x, 'side by side')
  t.ok(await page.locator(`input[name="from"][value="${revision.id}"]`).isChecked() && await page.locator(`input[name="to"][value="${v2.id}"]`).isChecked(), 'v1 -> v2 picked')
  await shot(page, 'revisions')

  await page.click('#interdiff-go')
  await shown(page, '/interdiff')
  t.ok(hashOf(page).includes(`from=${revision.id}`) && hashOf(page).includes(`to=${v2.id}`))
  t.is(await page.locator('#interdiff-counts').innerText(), '1 changed, 0 unchanged, 0 dropped, 0 new')
  const pair = page.locator('#interdiff .pair[data-status="changed"]')
  t.ok((await pair.innerText()).startsWith(`v1 1/1 ! v2 1/1`), 'patch 1 changed')
  const added = await pair.locator('.add').allInnerTexts()
  const removed = await pair.locator('.del').allInnerTexts()
  t.ok(removed.includes('-Everybody knows the answer is 42.\n') && added.includes(`+${V2_MESSAGE}\n`), 'the message that changed')
  t.ok(added.includes('+-The answer is 41.\n') && added.includes(`++${V2_README}\n`), 'the README change v2 adds, as a diff of diffs')
  t.ok(!added.concat(removed).some((l) => l.includes('value')), 'the unchanged value diff is not shown as a change')
  await shot(page, 'interdiff')
  await page.locator('#interdiff').locator('..').locator(`a[href="#/revision/${v2.id}"]`).first().click()
  await shown(page, '/revision/:id')
  t.ok((await page.locator('main h1').innerText()).includes('v2'), 'on to v2\'s page')
}

async function resultsToCompare (t: TestInstance, { page, baseline, run }: Ui): Promise<void> {
  await page.click('nav a[href="#/results"]')
  await shown(page, '/results')
  t.is(await page.locator('main tbody tr').count(), 2, 'two results')
  await page.locator(`tr[data-id="${baseline.id}"] input[name="a"]`).check()
  await page.locator(`tr[data-id="${run.id}"] input[name="b"]`).check()
  await page.click('button:has-text("Compare")')
  await shown(page, '/compare')
  const counts = await page.locator('#compare-counts').innerText()
  t.ok(/1\s+regressions/.test(counts), 'one regression')
  t.ok(/0\s+fixes/.test(counts) && /2\s+unchanged/.test(counts), 'no fix, two unchanged')
  const regression = page.locator('main tbody tr', { hasText: REGRESSED })
  t.ok(/pass\s+fail/.test(await regression.innerText()), `${REGRESSED}: pass -> fail`)
  await shot(page, 'compare')
}

async function compareToHistory (t: TestInstance, { page, maint, project, baseline, run }: Ui): Promise<void> {
  await page.locator('main tbody tr a', { hasText: REGRESSED }).click()
  await shown(page, '/history')
  t.is(new URLSearchParams(hashOf(page).split('?')[1]).get('test'), REGRESSED, 'the regressed test\'s history')
  await page.locator('#history-chart canvas').first().waitFor()
  t.is(await page.getAttribute('#history-chart', 'data-outcomes'), 'pass fail', 'the chart: pass, then fail')
  t.alike(await rowsOf(page), [[run.id, 'fail'], [baseline.id, 'pass']], 'the table: newest first')
  const change = await page.locator('#history-change').innerText()
  t.ok(/pass\s*→\s*fail/.test(change) && change.includes(PATCH_SUBJECT), `the change named: ${change}`)
  const table = await page.locator('#history-points').innerText()
  t.ok(table.includes('v1.0') && table.includes('lab-3') && table.includes('was pass'), 'what was tested, by whom, what changed')
  await shot(page, 'history')

  await page.evaluate('window.stayed = true')
  releaseWithSeries(project)
  const release = await resultOf(maint, await submitJob(maint, { repo: project.repo, ref: 'v1.1', profile: 'quick' }))
  await page.locator(`tr[data-id="${release.id}"]`).waitFor({ timeout: 10_000 })
  t.is(await page.getAttribute('#history-chart', 'data-outcomes'), 'pass fail fail', 'redrawn: the regression shipped in v1.1')
  t.ok((await page.locator(`tr[data-id="${release.id}"]`).innerText()).includes('v1.1'), `v1.1, ${release.body.verdict === 'reused' ? 'reusing the series run (same tree)' : 'run again'}`)
  t.is(await page.evaluate('window.stayed'), true, 'same page, no reload')
  await shot(page, 'history-live')

  await page.locator('main h2 a', { hasText: 'math' }).click() // the test's suite
  await shown(page, '/history')
  await page.waitForURL(/suite=math$/)
  await page.locator('#history-chart canvas').first().waitFor()
  // the test's page before it had the same outcomes and a row for this run: wait for the suite's row
  const suiteRow = page.locator(`tr[data-id="${run.id}"]`, { hasText: / failing, / })
  await suiteRow.waitFor()
  t.is(await page.getAttribute('#history-chart', 'data-outcomes'), 'pass fail fail', 'the suite math: failing since the series')
  const counts = await suiteRow.innerText()
  t.ok(/2 pass, 1 failing, 0 skipped/.test(counts), `counts per result: ${counts}`)
  await shot(page, 'history-suite')
}

async function liveEvents (t: TestInstance, { page, lab }: Ui): Promise<void> {
  await page.click('nav a[href="#/events"]')
  await shown(page, '/events')
  await page.evaluate('window.stayed = true')
  await lab.post('note', { text: 'live from the lab' })
  await page.locator('#events tr.new', { hasText: 'live from the lab' }).waitFor({ timeout: 10_000 })
  t.is(await page.evaluate('window.stayed'), true, 'same page, no reload')
  await shot(page, 'live')
}

async function feedsAndPeers (t: TestInstance, { page, lab }: Ui): Promise<void> {
  await page.click('nav a[href="#/feeds"]')
  await shown(page, '/feeds')
  t.ok((await page.locator(`tr[data-key="${lab.feedKey}"]`).innerText()).includes('lab-3'), 'the lab\'s feed with its writer')
  await shot(page, 'feeds')
  await page.click('nav a[href="#/peers"]')
  await shown(page, '/peers')
  t.is(await page.locator('main tbody tr').count(), 1, 'the lab, connected over loopback')
  await shot(page, 'peers')
}

async function reviewFromPage (t: TestInstance, { page, server, maint, home, revision }: Ui): Promise<void> {
  await page.goto(`${server.url}#/settings`)
  await shown(page, '/settings')
  await page.fill('input[name="token"]', loadOrCreateToken(join(home, 'api.token')))
  await page.click('button:has-text("Save")')
  await page.goto(`${server.url}#/revision/${revision.id}`)
  await shown(page, '/revision/:id')
  await page.locator('input[name="value"]').fill('Tess Ter <tess@example.org>')
  await page.selectOption('select[name="trailer"]', 'Tested-by')
  await page.click('button:has-text("Post review")')
  await page.locator('text=Posted as').waitFor()
  await page.locator('.reply .trailer.given', { hasText: 'Tested-by: Tess Ter <tess@example.org>' }).waitFor()
  const mine = maint.log({ type: 'review', author: maint.identityKey })
  t.ok(mine.some((e) => e.type === 'review' && e.body.trailers.some((x) => x.key === 'Tested-by')), 'a review event on the maintainer\'s own feed')
  await shot(page, 'review-posted')
}

/** Wait until the router shows the page of this route (pages render after their data arrives). */
async function shown (page: Page, route: string): Promise<void> {
  await page.locator(`main[data-route="${route}"]`).waitFor()
}

function hashOf (page: Page): string {
  return new URL(page.url()).hash
}

/** The history table's rows: result id and outcome, top to bottom. */
async function rowsOf (page: Page): Promise<Array<[string, string]>> {
  return await page.locator('#history-points tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-id') ?? '', tr.getAttribute('data-outcome') ?? ''] as [string, string]))
}
