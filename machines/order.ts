import type { AnyEvent } from '../protocol/event.js'

/** Total order every node agrees on: author clock, then EventId as the tie-break. Arrival order never matters. */
export function compareEvents (a: { ts: number, id: string }, b: { ts: number, id: string }): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** The set of events (duplicates by EventId dropped) in (ts, EventId) order. */
export function orderEvents (events: Iterable<AnyEvent>): AnyEvent[] {
  const byId = new Map<string, AnyEvent>()
  for (const e of events) if (!byId.has(e.id)) byId.set(e.id, e)
  return [...byId.values()].sort(compareEvents)
}

/** First 8 hex characters: enough to tell keys and ids apart in a reason line. */
export function short (hex: string): string {
  return hex.slice(0, 8)
}
