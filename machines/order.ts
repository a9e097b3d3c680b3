import type { AnyEvent } from '../protocol/event.js'

/** Total order every node agrees on: author clock, then EventId as the tie-break. Arrival order never matters. */
export function compareEvents (a: { ts: number, id: string }, b: { ts: number, id: string }): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** The set of events (duplicates by EventId dropped) in (ts, EventId) order. */
export function orderEvents (events: Iterable<AnyEvent>): AnyEvent[] {
  const sorted = [...events].sort(compareEvents)
  // Copies of one event (same id, so same ts) sort next to each other.
  let n = 0
  for (const e of sorted) if (n === 0 || (sorted[n - 1] as AnyEvent).id !== e.id) sorted[n++] = e
  sorted.length = n
  return sorted
}

/** First 8 hex characters: enough to tell keys and ids apart in a reason line. */
export function short (hex: string): string {
  return hex.slice(0, 8)
}
