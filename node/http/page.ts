import { CairnError } from '../../protocol/errors.js'
import { byTsThenId } from '../views/views.js'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500

/**
 * A cursor names the last item of a page by its place in the (ts, id) order,
 * not by an offset, so pages stay stable while new events arrive.
 */
export function encodeCursor (item: { ts: number, id: string }): string {
  return Buffer.from(`${item.ts}.${item.id}`).toString('base64url')
}

export function decodeCursor (cursor: string): { ts: number, id: string } {
  const m = /^(-?\d+)\.([0-9a-f]{64})$/.exec(Buffer.from(cursor, 'base64url').toString())
  if (m === null) throw new CairnError('BAD_CURSOR', `cursor "${cursor}" is not one this API gave out; start again without it`)
  return { ts: Number(m[1]), id: m[2] as string }
}

export function parseLimit (text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_LIMIT) throw new CairnError('BAD_QUERY', `limit must be an integer from 1 to ${MAX_LIMIT}, got "${text}"`)
  return n
}

interface Page<T> { items: T[], next: string | null }

/**
 * One page of a list sorted by (ts, id) ascending. `newest` pages walk from
 * the end backwards (what a person browsing wants); otherwise from the start.
 */
export function paginate<T extends { ts: number, id: string }> (sorted: readonly T[], opts: { cursor?: string, limit: number, newest: boolean }): Page<T> {
  const at = opts.cursor === undefined ? null : decodeCursor(opts.cursor)
  let items: T[]
  if (opts.newest) {
    const end = at === null ? sorted.length : lowerBound(sorted, at)
    items = sorted.slice(Math.max(0, end - opts.limit), end).reverse()
    const more = end - items.length > 0
    return { items, next: more && items.length > 0 ? encodeCursor(items[items.length - 1] as T) : null }
  }
  const start = at === null ? 0 : upperBound(sorted, at)
  items = sorted.slice(start, start + opts.limit)
  const more = start + items.length < sorted.length
  return { items, next: more && items.length > 0 ? encodeCursor(items[items.length - 1] as T) : null }
}

/** First index whose item sorts at or after `at`. */
function lowerBound<T extends { ts: number, id: string }> (sorted: readonly T[], at: { ts: number, id: string }): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (byTsThenId(sorted[mid] as T, at) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index whose item sorts strictly after `at`. */
function upperBound<T extends { ts: number, id: string }> (sorted: readonly T[], at: { ts: number, id: string }): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (byTsThenId(sorted[mid] as T, at) <= 0) lo = mid + 1
    else hi = mid
  }
  return lo
}
