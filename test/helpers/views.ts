import { memoryDb } from '../../node/views/db/schema.js'
import { Views } from '../../node/views/views.js'
import type { IndexedEvent } from '../../node/views/views.js'

/** Views in an in-memory database of the real schema, written by the real writer. */
export function memoryViews (root: string): Views {
  return new Views(root, memoryDb(), true)
}

/** Index one event as a frame of its own (its feed's checkpoint: its block). */
export function applyEvent (views: Views, event: IndexedEvent): void {
  views.commit({ feed: event.feed, length: event.seq + 1, events: [event], rejected: [] })
}
