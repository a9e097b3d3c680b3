// The overview page's Schedules section in real Chromium: the home's
// schedule and the CI configuration's (marked ci.yaml), each with its time
// of day, last and next run.
import test from 'brittle'
import { serveHttp } from '../../node/http/server.js'
import { addSchedule } from '../../node/storage/schedules.js'
import type { Schedule } from '../../node/storage/schedules.js'
import { createNode } from '../helpers/nodes.js'
import { browserPage, buildUi, CHROMIUM, hasChromium } from './chromium.js'

if (!hasChromium) console.log(`# skipping the schedules page test: ${CHROMIUM} is missing`)

const DAY = 86_400_000

test('overview: the Schedules section lists each schedule with its last and next run, ci.yaml ones marked', { skip: !hasChromium, timeout: 60_000 }, async (t) => {
  if (import.meta.url.endsWith('.ts')) buildUi()
  const { node } = await createNode(t, 'lab')
  const base = { repo: '/src/bench', recipe: null, profile: 'default', tags: [] }
  addSchedule(node.paths.dir, { ...base, name: 'nightly', everyMs: DAY, ref: 'main', created: Date.now(), at: 120 })
  const fixed: Schedule[] = [{ ...base, name: 'ci/weekly', everyMs: 7 * DAY, ref: 'next', created: 0 }]
  const server = await serveHttp(node, { host: '127.0.0.1', port: 0 }, { token: 'x'.repeat(64), schedules: { fixed } })
  t.teardown(() => server.close(), { order: -1 })
  const { page, problems } = await browserPage(t, server.url)
  await page.goto(`${server.url}#/`)
  await page.locator('#schedules tbody tr').first().waitFor()
  const rows = await page.locator('#schedules tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())))
  t.alike(rows.map((r) => r.slice(0, 5)), [['ci/weekly ci.yaml', '1w', 'next', 'default', 'never'], ['nightly', '1d at 02:00 UTC', 'main', 'default', 'never']])
  t.ok(/ 02:00 UTC$/.test(rows[1]?.[5] ?? ''), `the next run at 02:00: ${rows[1]?.[5] ?? ''}`)
  t.alike(problems, [], 'no page errors, console errors or external requests')
})
