import { getJson, query } from '../api.js'
import { h, link, replace, short, table } from '../dom.js'
import { metricChart } from '../metric-chart.js'
import type { MetricPoint } from '../metric-chart.js'
import type { Page } from '../page.js'
import { throttled } from '../page.js'

interface MetricHistoryJson { metric: string, unit: string | null, direction: 'higher' | 'lower' | null, points: Array<MetricPoint & { base: string | null }> }

const num = (x: number): string => String(Number(x.toPrecision(6)))

/** The History page for `?metric=NAME`: the metric by release, with the spread of repeated runs, as a chart and a table. */
export async function metricHistoryPage (metric: string, profile: string, kind: string, head: HTMLElement): Promise<Page> {
  const body = h('div', {})
  let chart: ReturnType<typeof metricChart> | null = null
  const render = async (): Promise<void> => {
    const d = await getJson<MetricHistoryJson>(`/api/metric-history${query({ metric, profile: profile === '' ? undefined : profile, kind: kind === '' ? undefined : kind })}`)
    chart?.destroy()
    chart = d.points.length === 0 ? null : metricChart(metric, d.unit ?? '', d.points)
    replace(body,
      d.points.length === 0 ? h('p', { class: 'muted' }, `No result on this node measured ${metric}.`) : h('p', {}, `${d.unit ?? ''}, ${d.direction ?? '?'} is better; the band is the spread of each release's samples over its runs.`),
      chart?.el ?? null,
      d.points.length === 0 ? null : h('div', { id: 'metric-points' }, table(['release', 'median', 'spread', 'runs'], d.points.map((p) => h('tr', { 'data-release': p.release },
        h('td', { class: 'release' }, p.release, p.base === null ? '' : h('span', { class: 'mono muted' }, ` ${short(p.base)}`)),
        h('td', { class: 'num' }, num(p.value)),
        h('td', {}, `${num(p.min)}..${num(p.max)}`),
        h('td', {}, ...p.runs.flatMap((r, i) => [i === 0 ? '' : ' ', link(`#/result/${r.result}`, h('span', { class: 'mono' }, short(r.result)))])))))))
  }
  await render()
  const refresh = throttled(() => { void render() })
  return {
    el: h('section', {}, head, h('h2', {}, `Metric ${metric}`), body),
    onEvent: (event) => { if (event.type === 'result' || event.type === 'job.request') refresh() },
    dispose: () => chart?.destroy()
  }
}
