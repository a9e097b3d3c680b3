import { readJson, writeJson } from '../../storage/home.js'
import type { HomePaths } from '../../storage/home.js'
import { statStamp } from '../../storage/stat-stamp.js'
import type { Views } from '../views.js'
import type { RecordedViews } from './recorded.js'

/** views-summary.json: the counts, whose feed they checkpoint, and the stamp of the views' files they were read from. */
interface Summary extends RecordedViews {
  feed: string
  stamp: string
}

// The WAL holds what was committed since the last checkpoint: both files must be as they were.
const stampOf = (paths: HomePaths): string => `${statStamp(paths.views)} ${statStamp(`${paths.views}-wal`)}`

/**
 * Close the views; when this process wrote them (`writer`: its home), record
 * what `cairn id` reads of them (events, the own feed's checkpoint) with the
 * stamp of the closed files, so `cairn id` answers without loading SQLite.
 * Any later commit changes the stamp (one process writes; the next opens after this).
 */
export function closeViews (views: Views, writer: HomePaths | null, feed: string): void {
  const counts: RecordedViews = { events: views.count, checkpoint: views.checkpoint(feed) }
  views.close()
  if (writer !== null) writeJson(writer.viewsSummary, { feed, ...counts, stamp: stampOf(writer) } satisfies Summary)
}

/** The recorded counts for `feed` while the views' files are as they were recorded, else null (read views.sqlite). */
export function readViewsSummary (paths: HomePaths, feed: string): RecordedViews | null {
  let s: Partial<Summary> | null
  try {
    s = readJson<Partial<Summary> | null>(paths.viewsSummary, null)
  } catch {
    return null // a cache: the next close writes it again
  }
  if (s?.feed !== feed || typeof s.events !== 'number' || typeof s.checkpoint !== 'number' || s.stamp !== stampOf(paths)) return null
  return { events: s.events, checkpoint: s.checkpoint }
}
