import { getJson, getText } from '../api.js'
import type { EventJson, TestJson } from '../api.js'
import { badge, formatMs, h, kv, link, short, table, when } from '../dom.js'
import type { Page, Params } from '../page.js'
import { who } from '../people.js'
import { isFailing } from '../status.js'
import { historyHref } from './history.js'
import { readTelemetry, telemetryChart } from '../telemetry-chart.js'

interface ResultBody { job?: string, build: string, testRun: string, verdict: string, tests: TestJson[], logs: Array<{ name: string, blob: { hash: string, length: number } }>, environment: Record<string, string>, message?: string, reuses?: string }
const DETAIL_CHARS = 400 // the table shows an excerpt; the event page and logs have all of it
const ROWS = 2000 // a 20k-test run shows its failing tests and the first rows; the filter narrows

/** One result: the fstests-style summary, the per-test table (failing first), logs and environment. */
export async function resultPage (params: Params): Promise<Page> {
  const d = await getJson<{ result: EventJson & { body: ResultBody }, counts: Record<string, number>, report: string, job: EventJson | null }>(`/api/results/${encodeURIComponent(params.id ?? '')}`)
  const r = d.result
  const b = r.body
  const filter = h('input', { placeholder: 'filter tests by name', size: 30, 'aria-label': 'filter tests' })
  const failingOnly = h('input', { type: 'checkbox', 'aria-label': 'failing only' })
  const rows = h('div', {})
  const sorted = [...b.tests].sort((x, y) => Number(isFailing(y.status)) - Number(isFailing(x.status)))
  const renderRows = (): void => {
    const needle = filter.value.trim().toLowerCase()
    const shown = sorted.filter((t) => (!failingOnly.checked || isFailing(t.status)) && (needle === '' || t.name.toLowerCase().includes(needle)))
    rows.replaceChildren(table(['test', 'status', ['time', 'num'], 'detail'], shown.slice(0, ROWS).map((t) => h('tr', {},
      h('td', { class: 'mono' }, link(historyHref({ test: t.name }), t.name)),
      h('td', {}, badge(t.status)),
      h('td', { class: 'num' }, formatMs(t.duration)),
      h('td', {}, t.detail === undefined ? '' : h('pre', {}, t.detail.length > DETAIL_CHARS ? `${t.detail.slice(0, DETAIL_CHARS)}…` : t.detail))))),
    shown.length > ROWS ? h('p', { class: 'muted' }, `${shown.length - ROWS} more; narrow the filter.`) : '')
  }
  filter.addEventListener('input', renderRows)
  failingOnly.addEventListener('change', renderRows)
  renderRows()
  const el = h('section', {},
    h('h1', {}, 'Result ', h('span', { class: 'mono muted' }, short(r.id)), ' ', badge(b.verdict)),
    kv([
      ['runner', who(r.author)],
      ['when', when(r.ts)],
      ['job', d.job === null ? (b.job ?? '—') : link(`#/event/${d.job.id}`, `${String(d.job.body.profile)} (${short(d.job.id)})`)],
      ['build identity', h('span', { class: 'mono' }, b.build)],
      ['test-run identity', h('span', { class: 'mono' }, b.testRun)],
      ['reuses', b.reuses === undefined ? '—' : link(`#/result/${b.reuses}`, h('span', { class: 'mono' }, short(b.reuses)))],
      ['event', link(`#/event/${r.id}`, 'provenance')],
      ...(b.message !== undefined ? [['message', b.message] as [string, string]] : [])
    ]),
    h('h2', {}, 'Summary'),
    h('pre', { id: 'report' }, d.report),
    h('h2', {}, `Logs (${b.logs.length})`),
    b.logs.length === 0 ? h('p', { class: 'muted' }, 'No log stored.') : h('ul', {}, ...b.logs.map((l) => h('li', {}, link(`#/blob/${l.blob.hash}?name=${encodeURIComponent(l.name)}`, l.name), h('span', { class: 'muted' }, ` ${l.blob.length} bytes`)))),
    h('h2', {}, `Tests (${b.tests.length})`),
    h('div', { class: 'filters' }, filter, h('label', {}, failingOnly, ' failing only')),
    rows,
    h('h2', {}, 'Environment'),
    kv(Object.entries(b.environment).map(([k, v]) => [k, v])))
  const charts = await telemetryCharts(b.logs)
  if (charts.length > 0) el.insertBefore(h('section', { id: 'telemetry' }, h('h2', {}, 'Telemetry'), ...charts.flatMap((c) => [h('h3', { class: 'mono' }, c.el.dataset.step ?? ''), c.el])), el.querySelector('#report')?.nextSibling ?? null)
  return { el, dispose: () => { for (const c of charts) c.destroy() } }
}

/** One chart per step whose processes the runner sampled (its `telemetry/*.json` logs). */
async function telemetryCharts (logs: ResultBody['logs']): Promise<Array<ReturnType<typeof telemetryChart>>> {
  const out: Array<ReturnType<typeof telemetryChart>> = []
  for (const l of logs.filter((x) => x.name.startsWith('telemetry/') && x.name.endsWith('.json'))) {
    const d = readTelemetry(await getText(`/api/blobs/${l.blob.hash}`).catch(() => ''))
    if (d !== null && d.t.length > 1) out.push(telemetryChart(d))
  }
  return out
}
