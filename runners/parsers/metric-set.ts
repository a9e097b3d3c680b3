/**
 * Metrics as a parser meets them. A name seen again (a benchmark run in a
 * loop, several fio or sysbench reports in one output) adds samples rather
 * than a second metric: the result keeps one metric per name, its value the
 * median of the samples, so compare can see the run's own noise.
 */
import { CairnError } from '../../protocol/errors.js'
import type { Metric } from '../../protocol/metrics.js'

type Code = 'PARSE_FIO' | 'PARSE_SYSBENCH' | 'PARSE_METRICS'
type Direction = Metric['direction']

/** Time units: less is better unless a line says otherwise. */
const TIME_UNITS = new Set(['ns', 'us', 'µs', 'usec', 'ms', 'msec', 's', 'sec', 'secs', 'seconds', 'cycles'])

/** The direction a unit suggests when the output names none. */
export function directionOfUnit (unit: string): Direction {
  return TIME_UNITS.has(unit.toLowerCase()) ? 'lower' : 'higher'
}

export class MetricSet {
  private readonly byName = new Map<string, { unit: string, direction: Direction, samples: number[], line: number, value: number, seen: number, minChange: number | undefined }>()

  constructor (private readonly code: Code) {}

  /** Add one observation (or a run's samples); `line` names the input line in errors; `minChange` (percent), when the output sets it, is kept from the last line that does. */
  add (line: number, name: string, value: number, unit: string, direction: Direction, samples?: readonly number[], minChange?: number): void {
    if (name === '') throw new CairnError(this.code, `line ${line}: a metric needs a name`)
    for (const v of [value, ...(samples ?? [])]) {
      if (!Number.isFinite(v)) throw new CairnError(this.code, `line ${line}: metric ${JSON.stringify(name)} has a value that is not a finite number`)
    }
    const seen = this.byName.get(name)
    const values = samples !== undefined && samples.length > 0 ? samples : [value]
    if (seen === undefined) {
      this.byName.set(name, { unit, direction, samples: [...values], line, value, seen: 1, minChange })
      return
    }
    if (seen.unit !== unit || seen.direction !== direction) {
      throw new CairnError(this.code, `line ${line}: metric ${JSON.stringify(name)} is ${unit} (${direction} is better) here but ${seen.unit} (${seen.direction}) on line ${seen.line}`)
    }
    seen.samples.push(...values)
    seen.seen++
    if (minChange !== undefined) seen.minChange = minChange
  }

  get size (): number {
    return this.byName.size
  }

  /** One metric per name, in the order first seen; the value as given when seen once, else the samples' median; -0 is written 0 (a body cannot carry -0). */
  toArray (): Metric[] {
    return [...this.byName].map(([name, m]) => {
      const samples = m.samples.map((v) => v === 0 ? 0 : v)
      const value = m.seen === 1 ? (m.value === 0 ? 0 : m.value) : median(samples)
      const floor = m.minChange === undefined ? {} : { minChange: m.minChange }
      return samples.length === 1 ? { name, value, unit: m.unit, direction: m.direction, ...floor } : { name, value, unit: m.unit, direction: m.direction, samples, ...floor }
    })
  }
}

function median (xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  const v = s.length % 2 === 1 ? s[mid] as number : ((s[mid - 1] as number) + (s[mid] as number)) / 2
  return v === 0 ? 0 : v
}
