import { getJson, query } from '../api.js'
import type { ResultRow, TestJson } from '../api.js'
import type { MetricComparisonJson } from '../../wire/types.js'
import { badge, h, link, short, table } from '../dom.js'
import { metricChanges } from '../metric-changes.js'
import type { Page, Params } from '../page.js'
import { historyHref } from './history.js'
import { countsText } from './results.js'

interface Change { name: string, a: TestJson, b: TestJson }
interface Comparison {
  regressions: Change[]
  fixes: Change[]
  stillFailing: Change[]
  otherChanges: Change[]
  new: Array<{ name: string, b: TestJson }>
  removed: Array<{ name: string, a: TestJson }>
  counts: Record<string, number>
}

/** A test's name, linking to its history across results. */
function testCell (name: string): HTMLElement {
  return h('td', { class: 'mono' }, link(historyHref({ test: name }), name))
}

/**
 * A/B comparison of two results: regressions, fixes, still failing, other
 * changes, new and removed tests. Regressions and fixes of tests the flake
 * ledger holds flaky under A's or B's identity (the API's `flaky`) are
 * listed apart and counted as neither, as `results compare` does.
 */
export async function comparePage (_params: Params, q: URLSearchParams): Promise<Page> {
  const a = q.get('a') ?? ''
  const b = q.get('b') ?? ''
  if (a === '' || b === '') {
    return { el: h('section', {}, h('h1', {}, 'Compare'), h('p', {}, 'Pick a result A and a result B on the ', link('#/results', 'results page'), '.')) }
  }
  const d = await getJson<{ a: ResultRow, b: ResultRow, comparison: Comparison, flaky: string[], metrics: MetricComparisonJson }>(`/api/compare${query({ a, b })}`)
  const isFlaky = (x: Change): boolean => d.flaky.includes(x.name)
  const flaky = [...d.comparison.regressions, ...d.comparison.fixes].filter(isFlaky)
  const regressions = d.comparison.regressions.filter((x) => !isFlaky(x))
  const fixes = d.comparison.fixes.filter((x) => !isFlaky(x))
  const c: Comparison = { ...d.comparison, regressions, fixes, counts: { ...d.comparison.counts, regressions: regressions.length, fixes: fixes.length } }
  const side = (label: string, r: ResultRow): HTMLElement => h('div', { class: 'card' }, h('div', { class: 'l' }, label), link(`#/result/${r.id}`, h('span', { class: 'mono' }, short(r.id))), ' ', badge(r.body.verdict), h('div', { class: 'l' }, countsText(r)))
  const changes = (title: string, list: Change[], id?: string): HTMLElement[] => list.length === 0
    ? []
    : [h('h2', {}, `${title} (${list.length})`), h('div', { id: id ?? null }, table(['test', 'A', 'B'], list.map((x) => h('tr', { 'data-test': x.name }, testCell(x.name), h('td', {}, badge(x.a.status)), h('td', {}, badge(x.b.status))))))]
  const card = (n: number, l: string, kind: string): HTMLElement => h('div', { class: 'card' }, h('div', { class: `n ${kind}` }, n), h('div', { class: 'l' }, l))
  const el = h('section', {},
    h('h1', {}, 'Compare A → B'),
    h('div', { class: 'cards' }, side('A (baseline)', d.a), side('B', d.b)),
    h('div', { class: 'cards', id: 'compare-counts' },
      card(c.counts.regressions ?? 0, 'regressions', 'bad'),
      card(d.metrics.counts.regressions, 'metric regressions', 'bad'),
      card(c.counts.fixes ?? 0, 'fixes', 'ok'),
      card(flaky.length, 'flaky', 'warn'),
      card(c.counts.stillFailing ?? 0, 'still failing', ''),
      card(c.counts.otherChanges ?? 0, 'other changes', ''),
      card(c.counts.new ?? 0, `new (${c.counts.newFailing ?? 0} failing)`, ''),
      card(c.counts.removed ?? 0, 'removed', ''),
      card(c.counts.unchanged ?? 0, 'unchanged', '')),
    ...changes('Regressions', c.regressions, 'compare-regressions'),
    ...metricChanges(d.metrics),
    ...changes('Fixes', c.fixes, 'compare-fixes'),
    ...changes('Flaky: runs of one identity disagree, not a regression', flaky, 'compare-flaky'),
    ...changes('Still failing', c.stillFailing),
    ...changes('Other changes', c.otherChanges),
    c.new.length === 0 ? null : [h('h2', {}, `New (${c.new.length})`), table(['test', 'B'], c.new.map((x) => h('tr', {}, testCell(x.name), h('td', {}, badge(x.b.status)))))],
    c.removed.length === 0 ? null : [h('h2', {}, `Removed (${c.removed.length})`), table(['test', 'A'], c.removed.map((x) => h('tr', {}, testCell(x.name), h('td', {}, badge(x.a.status)))))])
  return { el }
}
