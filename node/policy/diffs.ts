import { patchId, pathsFromDiff } from '../../machines/diff.js'
import type { BlobRef, BodyOf } from '../../protocol/schemas.js'

/** What the policy needs from a revision's diff blobs: the paths it touches and each patch's patch-id. */
export interface DiffInfo {
  touched: string[]
  /** patch-id of every patch in index order; null when a patch is missing or holds no diff (carry-over then cannot be decided). */
  patchIds: string[] | null
}

export interface BlobReader { get: (ref: BlobRef) => Promise<Uint8Array> }

interface RevisionLike { id: string, body: BodyOf<'series.revision'> }

/**
 * Read a revision's diff blobs (a blob may hold a whole format-patch mail:
 * both helpers skip the commit text). A blob not replicated yet is a
 * CairnError BLOB_MISSING from the store; the caller retries later, because
 * deciding without the touched paths could skip a path rule.
 */
export async function diffInfo (revision: RevisionLike, blobs: BlobReader): Promise<DiffInfo> {
  const touched = new Set<string>()
  const ids: string[] = []
  let complete = true
  const patches = [...revision.body.patches].sort((a, b) => a.index - b.index)
  for (const p of patches) {
    if (p.diff === undefined) {
      // Patch 0 is the cover letter: no diff, nothing to compare. Any other patch without one is missing.
      if (p.index !== 0 || p.missing === true) complete = false
      continue
    }
    const bytes = await blobs.get(p.diff)
    for (const path of pathsFromDiff(bytes)) touched.add(path)
    const id = patchId(bytes)
    if (id === null) complete = false
    else ids.push(id)
  }
  return { touched: [...touched].sort(), patchIds: complete && ids.length > 0 ? ids : null }
}

/**
 * Diff facts per revision EventId. A revision's event is immutable and its
 * blobs are content-addressed, so an answer never goes stale: the daemon
 * keeps them for as long as it runs. Failures are not kept (a missing blob
 * may arrive with the next sync).
 */
export class DiffCache {
  private readonly known = new Map<string, DiffInfo>()
  private readonly pending = new Map<string, Promise<DiffInfo>>()

  constructor (private readonly blobs: BlobReader) {}

  async get (revision: RevisionLike): Promise<DiffInfo> {
    const hit = this.known.get(revision.id)
    if (hit !== undefined) return hit
    let p = this.pending.get(revision.id)
    if (p === undefined) {
      p = diffInfo(revision, this.blobs)
      this.pending.set(revision.id, p)
    }
    try {
      const info = await p
      this.known.set(revision.id, info)
      return info
    } finally {
      this.pending.delete(revision.id)
    }
  }
}
