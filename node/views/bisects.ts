/** Published bisect events: every one, oldest first, and one by id or unique prefix. */
import { byTsThenId } from './views.js'
import type { IndexedEvent, Views } from './views.js'
import { deriveOver } from './derive-over.js'

type BisectEvent = IndexedEvent & { type: 'bisect' }

function allBisects (views: Views): BisectEvent[] {
  return deriveOver(views, ['bisect'], 'bisects/all', (v) => [...(v.ofType('bisect'))].sort(byTsThenId) as BisectEvent[])
}

/** The bisect event `ref` names (its id, or a unique prefix of 8 or more hex characters); null when none or several. */
export function findBisect (views: Views, ref: string): BisectEvent | null {
  const event = views.event(ref)
  if (event?.type === 'bisect') return event as BisectEvent
  if (!/^[0-9a-f]{8,63}$/.test(ref)) return null
  const matches = allBisects(views).filter((e) => e.id.startsWith(ref))
  return matches.length === 1 ? matches[0] as BisectEvent : null
}
