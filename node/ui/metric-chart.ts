import uPlot from 'uplot'
import { h } from './dom.js'

/**
 * A metric across releases (GET /api/metric-history): the median of each
 * release's runs as a line, and the spread of their samples (least to
 * greatest) as a band around it, so a shift reads against the noise.
 */
export interface MetricPoint { release: string, value: number, min: number, max: number, runs: Array<{ result: string }> }
interface Chart { el: HTMLElement, destroy: () => void }

const HEIGHT = 240

function color (name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888'
}

function chartWidth (): number {
  return Math.max(320, (document.getElementById('view')?.clientWidth ?? 1000) - 48)
}

/** `data-releases` and `data-values` on the element list what it draws, for tests and screen readers. */
export function metricChart (metric: string, unit: string, points: readonly MetricPoint[]): Chart {
  const el = h('div', { class: 'chart', id: 'metric-chart', 'data-releases': points.map((p) => p.release).join(' '), 'data-values': points.map((p) => String(p.value)).join(' '), role: 'img', 'aria-label': `${metric} in ${unit} by release, oldest first: ${points.map((p) => `${p.release} ${p.value}`).join(', ')}` })
  const stroke = color('--accent')
  const muted = color('--muted')
  const opts: uPlot.Options = {
    width: chartWidth(),
    height: HEIGHT,
    scales: { x: { time: false, range: () => [-0.5, points.length - 0.5] } },
    axes: [
      { stroke: muted, splits: () => points.map((_p, i) => i), values: (_u, splits) => splits.map((s) => points[s]?.release ?? '') },
      { stroke: muted, values: (_u, splits) => splits.map((s) => `${s} ${unit}`), size: 80 }
    ],
    series: [
      { label: 'release', value: (_u, v) => v === null ? '—' : points[v]?.release ?? '' },
      { label: `${metric} (median)`, stroke, width: 2, points: { show: true, size: 8, fill: stroke } },
      { label: 'max', stroke: muted, width: 1, dash: [4, 4], points: { show: false } },
      { label: 'min', stroke: muted, width: 1, dash: [4, 4], points: { show: false } }
    ],
    bands: [{ series: [2, 3], fill: 'rgba(128, 128, 128, 0.15)' }]
  }
  const data: uPlot.AlignedData = [points.map((_p, i) => i), points.map((p) => p.value), points.map((p) => p.max), points.map((p) => p.min)]
  const plot = new uPlot(opts, data, el)
  const resize = (): void => plot.setSize({ width: chartWidth(), height: HEIGHT })
  window.addEventListener('resize', resize)
  return { el, destroy: () => { window.removeEventListener('resize', resize); plot.destroy() } }
}
