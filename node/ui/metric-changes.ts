/**
 * A comparison's metrics as tables: each change with its size (absolute and
 * %), the baseline's spread and the rank test's p, marked regression,
 * improvement or within the noise; then new and removed metrics.
 */
import type { MetricChangeJson, MetricComparisonJson, MetricJson } from '../wire/types.js'
import { badge, h, link, table } from './dom.js'
import { historyHref } from './pages/history.js'

const num = (x: number): string => String(Number(x.toPrecision(6)))
const KIND_BADGE: Record<MetricChangeJson['kind'], [string, string]> = {
  regression: ['regression', 'fail'],
  improvement: ['improvement', 'pass'],
  noise: ['within noise', 'skip'],
  'unit-changed': ['unit changed', 'warn']
}

function changeRow (m: MetricChangeJson): HTMLTableRowElement {
  const sign = m.delta > 0 ? '+' : ''
  const [label, kind] = KIND_BADGE[m.kind]
  return h('tr', { 'data-metric': m.name, 'data-kind': m.kind },
    h('td', { class: 'mono' }, link(historyHref({ metric: m.name }), m.name)),
    h('td', {}, num(m.a)),
    h('td', {}, num(m.b)),
    h('td', {}, `${m.unit} (${m.direction} is better)`),
    h('td', {}, `${sign}${num(m.delta)}${m.pct === null ? '' : ` (${sign}${m.pct.toFixed(1)}%)`}`),
    h('td', {}, `${num(m.spread.min)}..${num(m.spread.max)} (${m.spread.n})`),
    h('td', {}, m.p === null ? '-' : m.p.toPrecision(2)),
    h('td', {}, badge(label, kind)))
}

const plain = (list: MetricJson[]): HTMLTableElement => table(['metric', 'value', 'unit'], list.map((m) => h('tr', {}, h('td', { class: 'mono' }, m.name), h('td', {}, num(m.value)), h('td', {}, m.unit))))

export function metricChanges (c: MetricComparisonJson): HTMLElement[] {
  if (c.changes.length + c.new.length + c.removed.length === 0) return []
  const order: Array<MetricChangeJson['kind']> = ['regression', 'improvement', 'unit-changed', 'noise']
  const sorted = [...c.changes].sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind))
  return [
    h('h2', {}, `Metrics (${c.counts.regressions} regressed, ${c.counts.improvements} improved, ${c.counts.noise} within the noise)`),
    h('div', { id: 'compare-metrics' }, table(['metric', 'A', 'B', 'unit', 'change', 'baseline spread (n)', 'p', ''], sorted.map(changeRow))),
    ...(c.new.length === 0 ? [] : [h('h2', {}, `New metrics (${c.new.length})`), plain(c.new)]),
    ...(c.removed.length === 0 ? [] : [h('h2', {}, `Removed metrics (${c.removed.length})`), plain(c.removed)])
  ]
}
