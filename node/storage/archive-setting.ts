/**
 * Archived results: `archive.json` in the home holds one cut-off time, and
 * results published before it leave whatever lists or picks results for
 * the user: `results list` and `/api/results`, `history` and
 * `/api/history` (so the History page), `regressions` and
 * `/api/regressions`, and the jobs `cairn flow` takes as already run (an
 * archived baseline gets a new job, which a runner answers by reusing the
 * archived run: a fresh result stands for it). `--archived` / `archived=1`
 * include them. A result named by id (`results show`, `results compare A
 * B`, a bisect's steps), reuse by test-run identity, bisect's cache and the
 * flake ledger's evidence still see every result: nothing is deleted, the
 * results stay on the feeds and in the views, and `results archive
 * --restore` brings them back. A setting of this node only: not replicated.
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

/** What the views' `since` filters take: the cut-off, unless archived results are asked for (or none are archived). */
export function hotSince (home: string, include = false): { since?: number } {
  const before = include ? null : archivedBefore(home)
  return before === null ? {} : { since: before }
}
