import type { IndexProgress } from '../views/indexer.js'
import type { Io } from './spec.js'

/** Index progress on stderr at most once a second, so long reindexes and catch-ups show they are moving. */
export function progressPrinter (io: Io, label: string, intervalMs = 1000): (p: IndexProgress) => void {
  let last = Date.now()
  let events = 0
  let rejected = 0
  return (p) => {
    events += p.events
    rejected += p.rejected
    const now = Date.now()
    if (now - last < intervalMs) return
    last = now
    io.err(`${label}: ${events} events${rejected > 0 ? `, ${rejected} rejected` : ''} (feed ${p.feed.slice(0, 12)} at block ${p.length})`)
  }
}
