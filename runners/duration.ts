import { CairnError } from '../protocol/errors.js'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const PART = /(\d+)(ms|s|m|h|d)/y

/**
 * A duration as people write it in recipes and flags: `90s`, `10m`, `1h30m`,
 * `500ms`, or a bare number of seconds. Returns milliseconds.
 */
export function parseDuration (value: unknown, what: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) throw new CairnError('BAD_DURATION', `${what}: ${value} is not a positive number of seconds`)
    return Math.round(value * 1000)
  }
  if (typeof value !== 'string') throw new CairnError('BAD_DURATION', `${what}: expected a duration like 90s, 10m or 1h30m`)
  const text = value.trim()
  if (/^\d+$/.test(text)) return parseDuration(Number(text), what)
  let ms = 0
  PART.lastIndex = 0
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex
    const m = PART.exec(text)
    if (m === null || m.index !== at) throw new CairnError('BAD_DURATION', `${what}: "${value}" is not a duration like 90s, 10m or 1h30m`)
    ms += Number(m[1]) * (UNIT_MS[m[2] as string] as number)
  }
  if (text === '' || ms <= 0) throw new CairnError('BAD_DURATION', `${what}: "${value}" is not a positive duration like 90s, 10m or 1h30m`)
  return ms
}

/** The other way, for messages: 600000 -> "10m". */
export function formatMs (ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms}ms`
}
