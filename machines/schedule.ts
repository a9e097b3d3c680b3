/**
 * What a scheduled job's settings may be, for the CI configuration
 * (machines/ci-config.ts) and `cairn schedule add` alike (each caller words
 * its own error): how often, one or more NUMBER+UNIT parts (m, h, d, w)
 * such as 1d, 12h, 1w or 1d12h, at least a minute; at what time of day
 * (UTC) a schedule of whole days starts its periods; and its name.
 */
const MINUTE = 60_000
const UNIT_MS: Record<string, number> = { m: MINUTE, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }

/** The interval in ms, or null when `text` is not one of at least a minute. */
export function intervalMs (text: string): number | null {
  if (!/^(?:\d+[mhdw])+$/.test(text)) return null
  const ms = (text.match(/\d+[mhdw]/g) ?? []).reduce((n, part) => n + Number(part.slice(0, -1)) * (UNIT_MS[part.slice(-1)] as number), 0)
  return ms >= MINUTE && Number.isSafeInteger(ms) ? ms : null
}

/** Minutes after 00:00 UTC for "HH:MM" (00:00 to 23:59), or null. */
export function atMinutes (text: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text)
  return m === null ? null : Number(m[1]) * 60 + Number(m[2])
}

/** Whether an interval may have a time of day: whole days (1d, 1w, 2d...). */
export function wholeDays (everyMs: number): boolean {
  return everyMs % (UNIT_MS.d as number) === 0
}

/** 120 -> "02:00". */
export function formatAt (minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
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
