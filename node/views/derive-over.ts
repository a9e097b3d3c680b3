import type { EventType } from '../../protocol/schemas.js'
import type { IndexedEvent, Views } from './views.js'

/** A value and what it was made from: the views' generation and, per type, the last row folded in. */
interface Memo { generation: number, marks: number[], value: unknown }

const memosOf = new WeakMap<Views, Map<string, Memo>>()

function memosFor (views: Views): Map<string, Memo> {
  let memos = memosOf.get(views)
  if (memos === undefined) {
    memos = new Map()
    memosOf.set(views, memos)
  }
  return memos
}

/**
 * Like `views.derive`, but the value stays valid until an event of one of
 * `types` arrives, instead of until any event does: at 100k events the
 * series index takes ~100 ms to build, and a runner's job progress or a note
 * should not make the next series page pay that again. `compute` must read
 * only events of `types` (and values derived from them alone).
 */
export function deriveOver<T> (views: Views, types: readonly EventType[], key: string, compute: (views: Views) => T): T {
  return deriveOverIncrementally(views, types, key, compute)
}

/**
 * Like `deriveOver`, but when events of `types` have only arrived since the
 * value was made, `update` folds them into it (`added[i]`: the new events of
 * `types[i]`, in arrival order) instead of `compute` starting again.
 * `update` returns the value brought up to date (it may change the one it is
 * given: callers keep no earlier value), or undefined when it cannot, and
 * then `compute` runs. It must give what `compute` would. Rows only ever
 * follow the ones folded in, until a clear (a new generation).
 */
export function deriveOverIncrementally<T> (views: Views, types: readonly EventType[], key: string, compute: (views: Views) => T, update?: (value: T, added: IndexedEvent[][], views: Views) => T | undefined): T {
  return views.read(() => {
    const memos = memosFor(views)
    const generation = views.generation
    const marks = types.map((t) => views.lastOfType(t))
    const memo = memos.get(key)
    const same = memo !== undefined && memo.generation === generation
    if (same && marks.every((m, i) => m === memo.marks[i])) return memo.value as T
    const added = same && update !== undefined ? types.map((t, i) => views.ofType(t, memo.marks[i])) : undefined
    const value = (added === undefined ? undefined : update?.(memo?.value as T, added, views)) ?? compute(views)
    memos.set(key, { generation, marks, value })
    return value
  })
}
