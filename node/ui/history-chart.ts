import uPlot from 'uplot'
import { h } from './dom.js'

/**
 * The history chart (uPlot, served by the node from node_modules: no CDN).
 * x is the release tested (each run a step, labelled where the release
 * changes) or the result's time; a test's chart puts each run in a lane by outcome
 * with its duration on a second axis, a suite's chart draws its pass,
 * failing and skipped counts. A point the flake ledger marks flaky (its
 * runs of one test-run identity disagree) is ringed, apart from real changes.
 */
interface ChartPoint { ts: number, outcome: string, duration?: number, counts?: Record<string, number>, release?: string | null, label: string, flaky: readonly string[] }
export type Axis = 'release' | 'time'
export interface Chart { el: HTMLElement, destroy: () => void }

const LANES = ['fail', 'missing', 'skip', 'pass'] // bottom to top
const HEIGHT = 240

function color (name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888'
}

function chartWidth (): number {
  return Math.max(320, (document.getElementById('view')?.clientWidth ?? 1000) - 48)
}

/** Room around the first and last point, so their dots are not cut at the edges (x is in seconds). */
const timeScale: uPlot.Scale = { time: true, range: (_u, min, max) => { const pad = Math.max((max - min) * 0.03, 60); return [min - pad, max + pad] } }

interface XAxis { scale: uPlot.Scale, axis: uPlot.Axis, values: number[] }

/** By release: x is the point's place, ticked and labelled where the release changes; by time: seconds (uPlot wants them ascending). */
function xAxis (points: readonly ChartPoint[], axis: Axis): XAxis {
  const stroke = color('--muted')
  if (axis === 'time') return { scale: timeScale, axis: { stroke }, values: points.map((p) => p.ts / 1000) }
  const name = (p: ChartPoint | undefined): string => p === undefined ? '' : p.release ?? p.label
  const ticks = points.flatMap((p, i) => i === 0 || name(points[i - 1]) !== name(p) ? [i] : [])
  return {
    scale: { time: false, range: () => [-0.5, points.length - 0.5] },
    axis: { stroke, splits: () => ticks, values: (_u, splits) => splits.map((s) => name(points[s])) },
    values: points.map((_p, i) => i)
  }
}

function testChart (points: readonly ChartPoint[], x: XAxis): uPlot.Options & { data: uPlot.AlignedData } {
  const lane = (p: ChartPoint): number => LANES.indexOf(p.outcome)
  const only = (outcome: string): Array<number | null> => points.map((p) => p.outcome === outcome ? lane(p) : null)
  const dot = (label: string, stroke: string): uPlot.Series => ({ label, stroke, fill: stroke, paths: () => null, points: { show: true, size: 9, fill: stroke } })
  const hasDuration = points.some((p) => p.duration !== undefined)
  const hasFlaky = points.some((p) => p.flaky.length > 0)
  return {
    width: chartWidth(),
    height: HEIGHT,
    scales: { x: x.scale, lane: { range: [-0.5, LANES.length - 0.5] }, ms: { range: (_u, min, max) => [0, Math.max(max, min, 1) * 1.1] } },
    axes: [
      x.axis,
      { scale: 'lane', stroke: color('--muted'), splits: () => LANES.map((_l, i) => i), values: (_u, splits) => splits.map((s) => LANES[s] ?? ''), size: 64 },
      ...(hasDuration ? [{ scale: 'ms', side: 1, stroke: color('--muted'), values: (_u: uPlot, splits: number[]) => splits.map((s) => `${s} ms`), grid: { show: false }, size: 70 }] : [])
    ],
    series: [
      {},
      { label: 'status', scale: 'lane', stroke: color('--muted'), width: 1, ...(uPlot.paths.stepped === undefined ? {} : { paths: uPlot.paths.stepped({ align: 1 }) }), points: { show: false } },
      ...(['pass', 'fail', 'skip', 'missing'] as const).map((o) => ({ ...dot(o, color(o === 'pass' ? '--ok' : o === 'fail' ? '--bad' : '--muted')), scale: 'lane' })),
      ...(hasFlaky ? [{ label: 'flaky', scale: 'lane', stroke: color('--warn'), paths: () => null, points: { show: true, size: 17, width: 2, fill: 'transparent', stroke: color('--warn') } }] : []),
      ...(hasDuration ? [{ label: 'duration', scale: 'ms', stroke: color('--accent'), width: 1, dash: [4, 4], spanGaps: true, value: (_u: uPlot, v: number | null) => v === null ? '—' : `${v} ms` }] : [])
    ],
    data: [
      x.values,
      points.map(lane),
      only('pass'), only('fail'), only('skip'), only('missing'),
      ...(hasFlaky ? [points.map((p) => p.flaky.length > 0 ? lane(p) : null)] : []),
      ...(hasDuration ? [points.map((p) => p.duration ?? null)] : [])
    ]
  }
}

function suiteChart (points: readonly ChartPoint[], x: XAxis): uPlot.Options & { data: uPlot.AlignedData } {
  const sum = (p: ChartPoint, ...keys: string[]): number => keys.reduce((n, k) => n + (p.counts?.[k] ?? 0), 0)
  const line = (label: string, stroke: string): uPlot.Series => ({ label, stroke, width: 2, points: { show: true, size: 7, fill: stroke } })
  return {
    width: chartWidth(),
    height: HEIGHT,
    scales: { x: x.scale, y: { range: (_u, _min, max) => [0, Math.max(max, 1) * 1.1] } },
    axes: [x.axis, { stroke: color('--muted') }],
    series: [{}, line('pass', color('--ok')), line('failing', color('--bad')), line('skipped', color('--muted'))],
    data: [x.values, points.map((p) => sum(p, 'pass', 'xfail')), points.map((p) => sum(p, 'fail', 'error', 'xpass')), points.map((p) => sum(p, 'skip'))]
  }
}

/** Draw the points (oldest first); `data-outcomes` on the element lists them for tests and screen readers' sake. */
export function historyChart (points: readonly ChartPoint[], kind: 'test' | 'suite', axis: Axis): Chart {
  const by = axis === 'release' ? 'by release' : 'over time'
  const el = h('div', { class: 'chart', id: 'history-chart', 'data-axis': axis, 'data-outcomes': points.map((p) => p.outcome).join(' '), 'data-releases': points.map((p) => p.release ?? '-').join(' '), 'data-flaky': points.map((p) => p.flaky.length > 0 ? 'flaky' : '-').join(' '), role: 'img', 'aria-label': `${kind} outcomes ${by}, oldest first: ${points.map((p) => p.outcome).join(', ')}` })
  const x = xAxis(points, axis)
  const { data, ...opts } = kind === 'test' ? testChart(points, x) : suiteChart(points, x)
  const plot = new uPlot(opts, data, el)
  const resize = (): void => plot.setSize({ width: chartWidth(), height: HEIGHT })
  window.addEventListener('resize', resize)
  return { el, destroy: () => { window.removeEventListener('resize', resize); plot.destroy() } }
}
