/**
 * What a scheduled job's settings may be, for the CI configuration
 * (machines/ci-config.ts) and `cairn schedule add` alike (each caller words
 * its own error): how often, one or more NUMBER+UNIT parts (m, h, d, w)
 * such as 1d, 12h, 1w or 1d12h, at least a minute; and its name.
 */
const MINUTE = 60_000
const UNIT_MS: Record<string, number> = { m: MINUTE, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }

/** The interval in ms, or null when `text` is not one of at least a minute. */
export function intervalMs (text: string): number | null {
  if (!/^(?:\d+[mhdw])+$/.test(text)) return null
  const ms = (text.match(/\d+[mhdw]/g) ?? []).reduce((n, part) => n + Number(part.slice(0, -1)) * (UNIT_MS[part.slice(-1)] as number), 0)
  return ms >= MINUTE && Number.isSafeInteger(ms) ? ms : null
}

/** 86400000 -> "1d", for lists. */
export function formatInterval (ms: number): string {
  for (const unit of ['w', 'd', 'h'] as const) {
    const size = UNIT_MS[unit] as number
    if (ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms / MINUTE}m`
}

/** A schedule's name: letters, digits and ._-, at most 100, not starting with . _ or -. */
export const SCHEDULE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/
