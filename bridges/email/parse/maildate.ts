/**
 * A mail Date: value to ms since the epoch (NaN when unparseable).
 * RFC 2822 first, with its obsolete forms (2-digit years, named zones,
 * missing seconds, comments); anything else goes to Date.parse().
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420
}

const RFC2822 = /^\s*(?:[a-z]{3,},?\s*)?(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[a-z]{1,5})?/i

export function parseMailDate (value: string): number {
  const m = RFC2822.exec(value)
  if (m === null) return Date.parse(value)
  const [, day, mon, yearText, hh, mm, ss, zone] = m
  const month = MONTHS.indexOf((mon ?? '').toLowerCase())
  if (month === -1) return Date.parse(value)
  let year = Number(yearText)
  if ((yearText ?? '').length < 4) year += year < 50 ? 2000 : 1900
  const [d, h, mi, se] = [Number(day), Number(hh), Number(mm), Number(ss ?? 0)]
  // Date.UTC would roll "32 Jan 25:61" over into a real date; that is no date.
  if (d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return NaN
  const utc = Date.UTC(year, month, d, h, mi, se)
  return utc - zoneMinutes(zone) * 60000
}

function zoneMinutes (zone: string | undefined): number {
  if (zone === undefined) return 0
  if (zone[0] === '+' || zone[0] === '-') {
    const sign = zone[0] === '-' ? -1 : 1
    return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)))
  }
  return ZONES[zone.toLowerCase()] ?? 0
}
