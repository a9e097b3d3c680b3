import type { BlobRef } from '../../protocol/schemas.js'
import { blobRefsOf } from '../views/db/blob-refs.js'
import type { Views } from '../views/views.js'

/** What a blob hash resolves to: where it lives and the first event that referenced it. */
interface BlobEntry { ref: BlobRef, event: string }

/**
 * Where the blob `hash` lives, from the first event (in log order) carrying a
 * BlobRef of it: the events are found through the blob_refs rows, and only
 * the first is decoded.
 */
export function blobEntry (views: Views, hash: string): BlobEntry | undefined {
  const event = views.read(() => views.carrying(hash, {}, 'log', 1))[0]
  const ref = event === undefined ? undefined : blobRefsOf(event.body).find((r) => r.hash === hash)
  return event === undefined || ref === undefined ? undefined : { ref, event: event.id }
}
