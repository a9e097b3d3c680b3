/**
 * A metric gate (ci.yaml's `metrics:`): which metrics' regressions against
 * the baseline fail a verdict as a failed test does, and the minimum
 * relative change each is held to (protocol/metrics.ts). Off unless asked:
 *
 *   metrics:
 *     gate: true                    # every metric; or a list of names/globs: [throughput, "*\/read/bw"]
 *     min-change: 5                 # percent; or by name: { "*": 5, throughput: 10 }
 */
import type { MetricChange, MinChange } from '../protocol/metrics.js'
import { pathMatcher } from './match.js'
import { fail, glob, list, mapping } from './yaml-check.js'
import type { Path } from './yaml-check.js'

export interface MetricGate {
  /** The metrics gated: every one, or those a glob names. */
  names: 'all' | string[]
  minChange: MinChange
}

function percent (v: unknown, path: Path): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1_000_000) fail(path, 'must be a percentage from 0, such as 5')
  return v
}

function minChange (v: unknown, path: Path): MinChange {
  if (v === undefined) return {}
  if (typeof v === 'number') return { default: percent(v, path) }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be a percentage, or a mapping of metric names ("*": the rest) to percentages')
  const byName: Record<string, number> = {}
  let fallback: number | undefined
  for (const [name, pct] of Object.entries(v)) {
    if (name === '*') fallback = percent(pct, [...path, name])
    else byName[name] = percent(pct, [...path, name])
  }
  return { ...(fallback === undefined ? {} : { default: fallback }), byName }
}

/** The `metrics:` mapping; null when it gates nothing (absent, or `gate: false`). */
export function parseMetricGate (v: unknown, path: Path): MetricGate | null {
  if (v === undefined) return null
  const r = mapping(v, path, ['gate', 'min-change'])
  const floor = minChange(r['min-change'], [...path, 'min-change'])
  const gate = r.gate
  if (gate === undefined || gate === false) return null
  if (gate === true) return { names: 'all', minChange: floor }
  const names = list(gate, [...path, 'gate']).map((g, i) => glob(g, [...path, 'gate', i]))
  if (names.length === 0) fail([...path, 'gate'], 'must be true, false or a list of metric names (globs such as "*/read/bw")')
  return { names, minChange: floor }
}

/** The regressions the gate holds against a verdict. */
export function gatedRegressions (gate: MetricGate, changes: readonly MetricChange[]): MetricChange[] {
  const names = gate.names
  const gated = (name: string): boolean => names === 'all' || names.some((g) => pathMatcher(g)(name))
  return changes.filter((c) => c.kind === 'regression' && gated(c.name))
}
