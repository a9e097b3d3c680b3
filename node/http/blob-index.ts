import type { BlobRef } from '../../protocol/schemas.js'
import { blobRefSchema } from '../../protocol/schemas.js'
import type { Views } from '../views/views.js'

/** What a blob hash resolves to: where it lives and the first event that referenced it. */
interface BlobEntry { ref: BlobRef, event: string }

/**
 * Where the blob `hash` lives, from the first event (in log order) carrying a
 * BlobRef of it (patch diffs, result logs, raw mails, and whatever later
 * types add), found by shape so a new event type needs no change here. Only
 * the events whose packed body holds the hash are decoded.
 */
export function blobEntry (views: Views, hash: string): BlobEntry | undefined {
  for (const event of views.read(() => views.holding(hash, {}, 'log'))) {
    const index = new Map<string, BlobEntry>()
    collect(event.body, event.id, index, 0)
    const entry = index.get(hash)
    if (entry !== undefined) return entry
  }
  return undefined
}

const MAX_DEPTH = 8 // bodies are shallow; this only bounds the walk

function collect (value: unknown, event: string, index: Map<string, BlobEntry>, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return
  if (Array.isArray(value)) {
    for (const item of value) collect(item, event, index, depth + 1)
    return
  }
  const o = value as Record<string, unknown>
  if (typeof o.hash === 'string' && typeof o.core === 'string') {
    const ref = blobRefSchema.safeParse(o)
    if (ref.success && !index.has(ref.data.hash)) index.set(ref.data.hash, { ref: { hash: ref.data.hash, core: ref.data.core, offset: ref.data.offset, length: ref.data.length }, event })
    return
  }
  for (const key in o) collect(o[key], event, index, depth + 1)
}
