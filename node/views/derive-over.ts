import type { EventType } from '../../protocol/schemas.js'
import type { Views } from './views.js'

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
 * `types` arrives, instead of until any event does: a runner's job progress
 * or a note should not make the next page build its index again. `compute` must read
 * only events of `types` (and values derived from them alone).
 */
export function deriveOver<T> (views: Views, types: readonly EventType[], key: string, compute: (views: Views) => T): T {
  return views.read(() => {
    const memos = memosFor(views)
    const generation = views.generation
    const marks = types.map((t) => views.lastOfType(t))
    const memo = memos.get(key)
    if (memo !== undefined && memo.generation === generation && marks.every((m, i) => m === memo.marks[i])) return memo.value as T
    const value = compute(views)
    memos.set(key, { generation, marks, value })
    return value
  })
}
