/**
 * Archived results: `archive.json` in the home holds one cut-off time, and
 * results published before it leave the lists (`results list`,
 * `/api/results`, `history`) unless asked for (`--archived`,
 * `archived=1`). Nothing is deleted: the results stay on the feeds and in
 * the views, for compare and reuse, and `results archive --restore` brings
 * them back. A setting of this node only: it is not replicated.
 */
import { join } from 'node:path'
import { CairnError } from '../../protocol/errors.js'
import { readJson, writeJson } from './home.js'

interface ArchiveSetting { before: number | null }

const file = (home: string): string => join(home, 'archive.json')

/** The cut-off (ms since the epoch), or null when nothing is archived. */
function archivedBefore (home: string): number | null {
  const s = readJson<ArchiveSetting>(file(home), { before: null })
  if (s.before !== null && !Number.isSafeInteger(s.before)) throw new CairnError('HOME_CORRUPT', `${file(home)}: "before" must be a time in ms or null; fix it, or cairn results archive --restore`)
  return s.before
}

export function setArchivedBefore (home: string, before: number | null): void {
  writeJson(file(home), { before } satisfies ArchiveSetting)
}

/** Keep what is not archived (all of it with `include`). */
export function withoutArchived<T extends { ts: number }> (home: string, items: T[], include = false): T[] {
  const before = include ? null : archivedBefore(home)
  return before === null ? items : items.filter((e) => e.ts >= before)
}
