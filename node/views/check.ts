import type Hypercore from 'hypercore'
import { SCHEMA_VERSION } from './db/schema.js'
import type { Views } from './views.js'

/**
 * Why the views must be rebuilt from the feeds on open, or null: a new file
 * beside an earlier release's views.log, or in place of a views.sqlite of
 * another schema version `replaced` (said, it is rebuilt anyway), or a
 * feed now shorter than its checkpoint (cleared, or truncated by a damaged
 * store): views over blocks that are gone; or a bodies file shorter than
 * its rows say (db/bodies.ts).
 */
export function staleViews (views: Views, opened: { fresh: boolean, replaced: number | null }, hadViewLog: boolean, coreFor: (key: string) => Hypercore | undefined): string | null {
  if (opened.fresh) {
    if (hadViewLog) return 'the views of an earlier release (views.log) are rebuilt from the feeds into views.sqlite'
    return opened.replaced === null ? null : `the views of another release (views.sqlite of schema ${opened.replaced}, this release's is ${SCHEMA_VERSION}) are rebuilt from the feeds`
  }
  if (!views.indexes) return null
  if (views.bodiesLost) return 'the views\' bodies file (views.bodies.N) holds less than its rows name (the machine stopped before writing it out); the views are rebuilt from the feeds'
  for (const [key, length] of views.checkpoints()) {
    const core = coreFor(key)
    if (core === undefined || core.contiguousLength < length) return `feed ${key} holds fewer blocks than the views had indexed; the views are rebuilt from the feeds`
  }
  return null
}
