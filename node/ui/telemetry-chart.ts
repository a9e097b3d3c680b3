import uPlot from 'uplot'
import { h } from './dom.js'

/**
 * A step's run telemetry (runners/telemetry.ts: `telemetry/<kind>-<step>.json`
 * among a result's logs): CPU in percent of one core on the left axis,
 * resident memory on the right, against seconds since the step started.
 */
interface Telemetry { step: string, intervalMs: number, t: number[], cpu: number[], rssBytes: number[], readBytes: number[], writeBytes: number[], procs: number[] }
interface Chart { el: HTMLElement, destroy: () => void }

const HEIGHT = 200
const MIB = 1024 * 1024

function color (name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888'
}

function chartWidth (): number {
  return Math.max(320, (document.getElementById('view')?.clientWidth ?? 1000) - 48)
}

/** Parse a telemetry blob's text; null when it is not one (an older or foreign blob under that name). */
export function readTelemetry (text: string): Telemetry | null {
  try {
    const d = JSON.parse(text) as Partial<Telemetry>
    return Array.isArray(d.t) && Array.isArray(d.cpu) && Array.isArray(d.rssBytes) ? d as Telemetry : null
  } catch {
    return null
  }
}

/** The chart of one step; `data-samples` says how many points it holds (for tests). */
export function telemetryChart (d: Telemetry): Chart {
  const peak = Math.max(0, ...d.rssBytes)
  const el = h('div', { class: 'chart telemetry-chart', 'data-step': d.step, 'data-samples': String(d.t.length), role: 'img', 'aria-label': `${d.step}: CPU and memory over ${d.t.length} samples, peak ${(peak / MIB).toFixed(1)} MiB` })
  const opts: uPlot.Options = {
    width: chartWidth(),
    height: HEIGHT,
    scales: { x: { time: false }, cpu: { range: (_u, _min, max) => [0, Math.max(max, 100) * 1.05] }, mib: { range: (_u, _min, max) => [0, Math.max(max, 1) * 1.1] } },
    axes: [
      { stroke: color('--muted'), values: (_u, splits) => splits.map((s) => `${s} s`) },
      { scale: 'cpu', stroke: color('--muted'), values: (_u, splits) => splits.map((s) => `${s}%`), size: 56 },
      { scale: 'mib', side: 1, stroke: color('--muted'), values: (_u, splits) => splits.map((s) => `${s} MiB`), grid: { show: false }, size: 72 }
    ],
    series: [
      { label: 'time', value: (_u, v) => v === null ? '—' : `${v.toFixed(1)} s` },
      { label: 'CPU', scale: 'cpu', stroke: color('--accent'), width: 2, value: (_u, v) => v === null ? '—' : `${v}%` },
      { label: 'RSS', scale: 'mib', stroke: color('--ok'), width: 2, value: (_u, v) => v === null ? '—' : `${v.toFixed(1)} MiB` },
      { label: 'processes', scale: 'cpu', stroke: color('--muted'), width: 1, dash: [4, 4] }
    ]
  }
  const data: uPlot.AlignedData = [d.t.map((ms) => ms / 1000), d.cpu, d.rssBytes.map((b) => b / MIB), d.procs]
  const plot = new uPlot(opts, data, el)
  const resize = (): void => plot.setSize({ width: chartWidth(), height: HEIGHT })
  window.addEventListener('resize', resize)
  return { el, destroy: () => { window.removeEventListener('resize', resize); plot.destroy() } }
}
