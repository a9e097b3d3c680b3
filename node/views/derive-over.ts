import type { EventType } from '../../protocol/schemas.js'
import type { Views } from '../views.js'

interface Memo { lists: Array<readonly unknown[] | undefined>, lengths: number[], value: unknown }

const memosOf = new WeakMap<Views, Map<string, Memo>>()

/**
 * Like `views.derive`, but the value stays valid until an event of one of
 * `types` arrives, instead of until any event does: at 100k events the
 * series index takes ~100 ms to build, and a runner's job progress or a note
 * should not make the next series page pay that again. `compute` must read
 * only events of `types` (and values derived from them alone).
 *
 * Views only append to their per-type lists (clear() drops them and starts
 * new ones), so a list that is the same object with the same length holds
 * the same events.
 */
export function deriveOver<T> (views: Views, types: readonly EventType[], key: string, compute: (views: Views) => T): T {
  let memos = memosOf.get(views)
  if (memos === undefined) {
    memos = new Map()
    memosOf.set(views, memos)
  }
  const lists = types.map((t) => views.byType.get(t))
  const memo = memos.get(key)
  if (memo !== undefined && lists.every((list, i) => list === memo.lists[i] && (list?.length ?? 0) === memo.lengths[i])) return memo.value as T
  const value = compute(views)
  memos.set(key, { lists, lengths: lists.map((list) => list?.length ?? 0), value })
  return value
}
