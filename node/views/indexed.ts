import type { AnyEvent } from '../../protocol/event.js'

/** An event as the views keep it: the verified event and where it was read. */
export type IndexedEvent = AnyEvent & { feed: string, seq: number }

export interface Rejection {
  feed: string
  seq: number
  /** Position of the event inside its block; absent when the whole block was rejected. */
  index?: number
  code: string
  reason: string
}

/** One indexing step as the views take it: a feed's new checkpoint with the events and rejections it produced. */
export interface Frame {
  feed: string
  /** The checkpoint after this frame: blocks [0, length) of `feed` are indexed. */
  length: number
  events: IndexedEvent[]
  rejected: Rejection[]
  /** Each event's body as signed (msgpack, its payload's tail), where known: stored as is, not packed again. */
  bodies?: ReadonlyArray<Uint8Array | null>
}

/** The order every node agrees on across feeds: (ts, EventId), never arrival. */
export function byTsThenId (a: { ts: number, id: string }, b: { ts: number, id: string }): number {
  return a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/**
 * The order `log` shows, the same on every node: (ts, EventId) across
 * feeds, while each feed's events keep their feed order (events written
 * before ts was kept increasing, in one millisecond or across a clock step
 * back). An event sorts by the greatest (ts, id) of its feed up to it, then
 * by its place. `list` holds each feed's events in feed order, as the views
 * do. The views' database keeps that key per event (db/applier.ts).
 */
export function inFeedOrder (list: readonly IndexedEvent[]): IndexedEvent[] {
  const latest = new Map<string, { ts: number, id: string }>()
  const keyed = list.map((event, place) => {
    const before = latest.get(event.feed)
    const key = before !== undefined && byTsThenId(before, event) > 0 ? before : event
    latest.set(event.feed, key)
    return { ts: key.ts, id: key.id, place, event }
  })
  return keyed.sort((a, b) => byTsThenId(a, b) || a.place - b.place).map((k) => k.event)
}
