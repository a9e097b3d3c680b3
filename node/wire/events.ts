import type { IndexedEvent } from '../views/views.js'
import type { EventJson } from './types.js'

/** The stable JSON shape of an event in CLI and API output (documented in README). */
export function eventJson (e: IndexedEvent): EventJson {
  return { id: e.id, type: e.type, author: e.author, ts: e.ts, refs: e.refs, body: e.body, feed: e.feed, seq: e.seq }
}
