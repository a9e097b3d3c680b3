/**
 * The OpenMetrics text format (what Prometheus and Grafana's agents read):
 * per family `# TYPE`, `# UNIT`, `# HELP`, then its samples, and `# EOF`
 * last. Counters' samples end in `_total` and infos' in `_info`; a family
 * with a unit has a name ending in it, as the format requires.
 */

export const OPENMETRICS_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8'

export interface Sample {
  /** Added to the family's name: `_total` for counters, `_sum`/`_count` for summaries, `_info` for infos. */
  suffix?: string
  labels?: Record<string, string>
  value: number
}

export interface Family {
  name: string
  type: 'gauge' | 'counter' | 'info' | 'summary'
  help: string
  unit?: string
  samples: Sample[]
}

/** Label values are quoted: backslash, double quote and newline escaped. */
function escape (value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function number (v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

function sampleLine (family: Family, s: Sample): string {
  const labels = Object.entries(s.labels ?? {})
  const set = labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`
  return `${family.name}${s.suffix ?? ''}${set} ${number(s.value)}`
}

export function openMetricsText (families: readonly Family[]): string {
  const lines: string[] = []
  for (const f of families) {
    lines.push(`# TYPE ${f.name} ${f.type}`)
    if (f.unit !== undefined) lines.push(`# UNIT ${f.name} ${f.unit}`)
    lines.push(`# HELP ${f.name} ${escape(f.help)}`)
    for (const s of f.samples) lines.push(sampleLine(f, s))
  }
  lines.push('# EOF')
  return lines.join('\n') + '\n'
}
