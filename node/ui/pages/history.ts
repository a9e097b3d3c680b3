import { getJson, query } from '../api.js'
import { badge, formatMs, h, link, replace, short, table, when } from '../dom.js'
import { historyChart } from '../history-chart.js'
import type { Axis, Chart } from '../history-chart.js'
import type { Page, Params } from '../page.js'
import { metricHistoryPage } from './metric-history.js'
import { throttled } from '../page.js'
import { who } from '../people.js'

/** One point of GET /api/history (node/views/history.ts). */
interface Point {
  id: string
  ts: number
  runner: string
  verdict: string
  tested: string | null
  kind: 'baseline' | 'revision' | null
  profile: string | null
  base: string | null
  ref: string | null
  revision: string | null
  label: string
  /** With order=release: the ref tested (node/views/history-order.ts). */
  release?: string | null
  outcome: string
  changedFrom: string | null
  /** Tests of this point the flake ledger holds flaky under its identity; `flake`: its outcome is only theirs (no change made or hidden). */
  flaky: string[]
  flake: boolean
  previous: string | null
  status?: string
  duration?: number
  counts?: Record<string, number>
  total?: number
  failing?: string[]
}
interface HistoryJson { total: number, counts: Record<string, number>, points: Point[] }

const LIMIT = 500
const OUTCOMES = ['pass', 'fail', 'skip', 'missing']
/** Events that can change a history: a new result, or a job that puts a result in scope. */
const RELEVANT = new Set(['result', 'job.request'])

/** `#/history?test=NAME`, `?suite=PREFIX` or `?metric=NAME`, with `profile` and `kind` filters, by release unless `order=time`. */
export function historyHref (params: { test?: string, suite?: string, metric?: string, profile?: string | null, kind?: string, order?: string }): string {
  return `#/history${query({ test: params.test, suite: params.suite, metric: params.metric, profile: params.profile ?? undefined, kind: params.kind, order: params.order === 'time' ? 'time' : undefined })}`
}

/** The suites a test belongs to, as links: `generic/001` is in `generic`. */
function suiteLinks (name: string): Array<HTMLElement | string> {
  const parts = name.split('/')
  const out: Array<HTMLElement | string> = []
  for (let i = 1; i < parts.length; i++) {
    const suite = parts.slice(0, i).join('/')
    out.push(out.length === 0 ? 'suites: ' : ' · ', link(historyHref({ suite }), suite))
  }
  return out
}

function form (of: 'test' | 'suite' | 'metric', name: string, profile: string, kind: string, order: Axis): HTMLElement {
  const which = h('select', { name: 'of', 'aria-label': 'test, suite or metric' }, ...(['test', 'suite', 'metric'] as const).map((o) => h('option', { value: o, selected: of === o }, o)))
  const input = h('input', { name: 'name', value: name, size: 40, placeholder: 'generic/001, or a suite: generic', 'aria-label': 'test or suite name' })
  const prof = h('input', { name: 'profile', value: profile, size: 14, placeholder: 'any profile', 'aria-label': 'profile' })
  const kinds = h('select', { name: 'kind', 'aria-label': 'kind' }, ...[['', 'baselines and series'], ['baseline', 'baselines only'], ['revision', 'series only']].map(([v, l]) => h('option', { value: v ?? '', selected: v === kind }, l ?? '')))
  const orders = h('select', { name: 'order', 'aria-label': 'order' }, h('option', { value: 'release', selected: order === 'release' }, 'by release'), h('option', { value: 'time', selected: order === 'time' }, 'by run time'))
  const go = (): void => { location.hash = historyHref({ [which.value]: input.value.trim(), profile: prof.value.trim(), kind: kinds.value, order: orders.value }) }
  for (const el of [which, input, prof, kinds, orders]) el.addEventListener('change', go)
  return h('div', { class: 'filters' }, which, input, prof, kinds, orders)
}

function testedCell (p: Point): HTMLElement {
  if (p.kind === 'revision' && p.revision !== null) return h('td', {}, link(`#/revision/${p.revision}`, p.label))
  return h('td', { title: p.base ?? '' }, p.label, p.kind === 'baseline' && p.ref !== null && p.base !== null ? h('span', { class: 'mono muted' }, ` ${short(p.base)}`) : '')
}

const FLAKY_TITLE = 'the flake ledger holds this test flaky under this run\'s test-run identity: its runs disagree, so a failure here is not a regression'

function statusCell (p: Point, of: 'test' | 'suite'): HTMLElement {
  const flaky = p.flaky
  const was = p.changedFrom === null ? null : h('span', { class: 'muted change' }, ` was ${p.changedFrom}`)
  const mark = flaky.length === 0 ? null : [' ', h('span', { class: 'badge warn flaky', title: FLAKY_TITLE }, 'flaky')]
  if (of === 'test') return h('td', {}, badge(p.status ?? p.outcome, p.outcome === 'missing' ? 'skip' : p.status ?? p.outcome), mark, was)
  const c = p.counts ?? {}
  const failing = (c.fail ?? 0) + (c.error ?? 0) + (c.xpass ?? 0)
  return h('td', {}, badge(p.outcome), ` ${(c.pass ?? 0) + (c.xfail ?? 0)} pass, ${failing} failing, ${c.skip ?? 0} skipped`, mark, was,
    p.failing === undefined || p.failing.length === 0 ? null : h('div', { class: 'mono muted' }, p.failing.slice(0, 5).map((t) => flaky.includes(t) ? `${t} (flaky)` : t).join(' ')))
}

/** Compare with the point before; a reused result compares as the run it stands for. */
function compareLink (p: Point, byId: Map<string, Point>): HTMLElement | string {
  if (p.previous === null || p.tested === null) return ''
  const before = byId.get(p.previous)
  return link(`#/compare${query({ a: before?.tested ?? p.previous, b: p.tested })}`, 'compare with previous')
}

function lastChange (points: readonly Point[]): HTMLElement {
  const changed = points.find((p) => p.changedFrom !== null) // newest first; a flake changes nothing (protocol/history.ts)
  if (changed === undefined) return h('p', { id: 'history-change', class: 'muted' }, points.length === 0 ? '' : `No change in ${points.length} result(s): ${points[0]?.outcome ?? ''} throughout.`)
  return h('p', { id: 'history-change' }, 'Last change: ', badge(changed.changedFrom ?? ''), ' → ', badge(changed.outcome), ` at ${changed.label} (${when(changed.ts)}).`)
}

function flakyNote (points: readonly Point[]): HTMLElement | null {
  const n = points.filter((p) => p.flaky.length > 0).length
  if (n === 0) return null
  return h('p', { id: 'history-flaky' }, h('span', { class: 'badge warn' }, 'flaky'), ` in ${n} of ${points.length} result(s): runs of the same test-run identity disagree (the flake ledger), so those failures are not counted as regressions; they are ringed in the chart.`)
}

/** A test's or a suite's status across releases, baselines and series runs, as a chart and a table. */
export async function historyPage (_params: Params, q: URLSearchParams): Promise<Page> {
  const suite = q.get('suite') ?? ''
  const of: 'test' | 'suite' = suite !== '' ? 'suite' : 'test'
  const name = of === 'suite' ? suite : q.get('test') ?? ''
  const profile = q.get('profile') ?? ''
  const kind = q.get('kind') ?? ''
  const order: Axis = q.get('order') === 'time' ? 'time' : 'release'
  const metric = q.get('metric') ?? ''
  if (metric !== '') return await metricHistoryPage(metric, profile, kind, h('div', {}, h('h1', {}, 'History'), form('metric', metric, profile, kind, order)))
  const head = h('div', {}, h('h1', {}, 'History'), form(of, name, profile, kind, order))
  if (name === '') {
    return { el: h('section', {}, head, h('p', { class: 'muted' }, 'Name a test or a suite, or follow a test\'s link on a ', link('#/results', 'result'), ' or comparison page.')) }
  }
  const body = h('div', {})
  let chart: Chart | null = null
  const render = async (): Promise<void> => {
    const d = await getJson<HistoryJson>(`/api/history${query({ [of]: name, profile, kind, order, limit: LIMIT })}`)
    const byId = new Map(d.points.map((p) => [p.id, p]))
    chart?.destroy()
    chart = d.points.length === 0 ? null : historyChart([...d.points].reverse(), of, order)
    const card = (outcome: string): HTMLElement => h('div', { class: 'card' }, h('div', { class: `n ${outcome === 'fail' ? 'bad' : outcome === 'pass' ? 'ok' : ''}` }, d.counts[outcome] ?? 0), h('div', { class: 'l' }, outcome))
    replace(body,
      h('div', { class: 'cards', id: 'history-counts' }, ...OUTCOMES.map(card)),
      d.total === 0 ? h('p', { class: 'muted' }, `No result on this node holds ${of} ${name}.`) : [lastChange(d.points), flakyNote(d.points), chart?.el],
      d.total > d.points.length ? h('p', { class: 'muted' }, `The newest ${d.points.length} of ${d.total} results.`) : null,
      d.total === 0 ? null : h('div', { id: 'history-points' }, table([...(order === 'release' ? ['release'] : []), 'when', 'result', 'tested', 'profile', 'runner', of === 'test' ? 'status' : 'tests', ...(of === 'test' ? [['time', 'num'] as [string, string]] : []), ''],
        d.points.map((p) => h('tr', { 'data-id': p.id, 'data-outcome': p.outcome, 'data-flaky': p.flaky.length > 0 },
          order === 'release' ? h('td', { class: 'release' }, p.release ?? '—') : null,
          h('td', { class: 'mono' }, when(p.ts)),
          h('td', {}, link(`#/result/${p.id}`, h('span', { class: 'mono' }, short(p.id))), p.verdict === 'reused' ? [' ', badge('reused')] : null),
          testedCell(p),
          h('td', {}, p.profile ?? '—'),
          h('td', {}, who(p.runner)),
          statusCell(p, of),
          of === 'test' ? h('td', { class: 'num' }, formatMs(p.duration)) : null,
          h('td', {}, compareLink(p, byId)))))))
  }
  await render()
  const refresh = throttled(() => { void render() })
  return {
    el: h('section', {}, head, h('h2', {}, of === 'test' ? `Test ${name}` : `Suite ${name}`, ' ', h('span', { class: 'muted' }, ...(of === 'test' ? suiteLinks(name) : []))), body),
    onEvent: (event) => { if (RELEVANT.has(event.type)) refresh() },
    dispose: () => chart?.destroy()
  }
}
