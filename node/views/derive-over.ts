import type { EventType } from '../../protocol/schemas.js'
import type { IndexedEvent, Views } from './views.js'

interface Memo { lists: Array<readonly unknown[] | undefined>, lengths: number[], value: unknown }

const memosOf = new WeakMap<Views, Map<string, Memo>>()

function memosFor (views: Views): Map<string, Memo> {
  let memos = memosOf.get(views)
  if (memos === undefined) {
    memos = new Map()
    memosOf.set(views, memos)
  }
  return memos
}

function remember (memos: Map<string, Memo>, key: string, lists: Array<readonly unknown[] | undefined>, value: unknown): void {
  memos.set(key, { lists, lengths: lists.map((list) => list?.length ?? 0), value })
}

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
  return deriveOverIncrementally(views, types, key, compute)
}

/**
 * The events of `types` that arrived since the memo was made, per type in
 * arrival order, or undefined when the views were cleared since (a list the
 * memo saw is gone or is another object): only appended lists can be folded
 * on. A list the memo saw as absent may have appeared: all of it is new.
 */
function added (memo: Memo, lists: Array<readonly IndexedEvent[] | undefined>): IndexedEvent[][] | undefined {
  const out: IndexedEvent[][] = []
  for (const [i, list] of lists.entries()) {
    const seen = memo.lists[i]
    if (seen !== undefined && seen !== list) return undefined
    out.push(list === undefined ? [] : list.slice(memo.lengths[i]))
  }
  return out
}

/**
 * Like `deriveOver`, but when events of `types` have only arrived since the
 * value was made, `update` folds them into it (`added[i]`: the new events of
 * `types[i]`, in arrival order) instead of `compute` starting again.
 * `update` returns the value brought up to date (it may change the one it is
 * given: callers keep no earlier value), or undefined when it cannot, and
 * then `compute` runs. It must give what `compute` would.
 */
export function deriveOverIncrementally<T> (views: Views, types: readonly EventType[], key: string, compute: (views: Views) => T, update?: (value: T, added: IndexedEvent[][], views: Views) => T | undefined): T {
  const memos = memosFor(views)
  const lists = types.map((t) => views.byType.get(t))
  const memo = memos.get(key)
  if (memo !== undefined && lists.every((list, i) => list === memo.lists[i] && (list?.length ?? 0) === memo.lengths[i])) return memo.value as T
  const news = memo === undefined || update === undefined ? undefined : added(memo, lists)
  const value = (news === undefined ? undefined : update?.(memo?.value as T, news, views)) ?? compute(views)
  remember(memos, key, lists, value)
  return value
}
