import type { MinChange } from '../../protocol/metrics.js'
import { usageError } from './parse.js'

const PCT = /^(\d+(?:\.\d+)?)%?$/

/**
 * `--min-change PCT` (every metric) and `--min-change NAME=PCT` (one metric),
 * repeated, as the floor a comparison asks for (protocol/metrics.ts); the
 * name is split at the last `=`, since metric names may hold one.
 */
export function parseMinChange (given: readonly string[]): MinChange {
  const out: { default?: number, byName?: Record<string, number> } = {}
  for (const text of given) {
    const at = text.lastIndexOf('=')
    const name = at < 0 ? null : text.slice(0, at)
    const m = PCT.exec(at < 0 ? text : text.slice(at + 1))
    const pct = m === null ? Number.NaN : Number(m[1])
    if (!(pct <= 1_000_000) || name === '') throw usageError(`--min-change "${text}" is not PCT or NAME=PCT (a percentage from 0, like 5 or fio/read/bw=10)`)
    if (name === null) out.default = pct
    else out.byName = { ...out.byName, [name]: pct }
  }
  return out
}
