import { memoryDb } from '../../node/views/db/schema.js'
import { Views } from '../../node/views/views.js'
import type { ResultEvent } from '../../node/views/results.js'
import { byTsThenId } from '../../node/views/views.js'
import type { IndexedEvent } from '../../node/views/views.js'

/** Views in an in-memory database of the real schema, written by the real writer. */
export function memoryViews (root: string): Views {
  return new Views(root, memoryDb(), true)
}

/** Index one event as a frame of its own (its feed's checkpoint: its block). */
export function applyEvent (views: Views, event: IndexedEvent): void {
  views.commit({ feed: event.feed, length: event.seq + 1, events: [event], rejected: [] })
}

/** One step of a property run: read after the event (`query`; always after the last), reindex after it first (`reindex`); `key` orders a shuffled run. */
interface Step { query: boolean, reindex: boolean, key: number }

/**
 * Apply `all` event by event, in time order (a live node) or in the order
 * of the steps' keys (replication from many feeds); after an event, a
 * step may reindex (every event so far, applied again newest first) and
 * read. Resolves false as soon as `read` does.
 */
export async function applySteps (views: Views, all: readonly IndexedEvent[], shuffle: boolean, steps: readonly Step[], read: (applied: readonly IndexedEvent[]) => boolean | Promise<boolean>): Promise<boolean> {
  const order = shuffle
    ? all.map((e, i) => ({ e, key: steps[i]?.key ?? 0 })).sort((a, b) => a.key - b.key).map((x) => x.e)
    : [...all].sort((a, b) => a.ts - b.ts || a.seq - b.seq)
  const applied: IndexedEvent[] = []
  for (const [i, e] of order.entries()) {
    applyEvent(views, e)
    applied.push(e)
    const step = steps[i]
    if (step?.reindex === true) {
      views.clear()
      for (const again of [...applied].reverse()) applyEvent(views, again)
      views.settle() // as the indexer does once it has caught up
    }
    if (step?.query !== true && i < order.length - 1) continue
    if (!await read(applied)) return false
  }
  return true
}

/** Every result, oldest first by (ts, id): what the views' folds read before they read rows (tests compare against it). */
export function allResults (views: Views): ResultEvent[] {
  return views.ofType('result').sort(byTsThenId) as ResultEvent[]
}
