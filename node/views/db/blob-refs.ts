import type { BlobRef } from '../../../protocol/schemas.js'
import { blobRefSchema } from '../../../protocol/schemas.js'

const MAX_DEPTH = 8 // bodies are shallow; this only bounds the walk

/**
 * The BlobRefs an event body carries (patch diffs, result logs, raw mails,
 * and whatever later types add), found by shape so a new event type needs no
 * change here: each hash once, the first ref of it in a depth-first walk.
 */
export function blobRefsOf (body: unknown): BlobRef[] {
  const found = new Map<string, BlobRef>()
  collect(body, found, 0)
  return [...found.values()]
}

function collect (value: unknown, found: Map<string, BlobRef>, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return
  if (Array.isArray(value)) {
    for (const item of value) collect(item, found, depth + 1)
    return
  }
  const o = value as Record<string, unknown>
  if (typeof o.hash === 'string' && typeof o.core === 'string') {
    const ref = blobRefSchema.safeParse(o)
    if (ref.success && !found.has(ref.data.hash)) found.set(ref.data.hash, { hash: ref.data.hash, core: ref.data.core, offset: ref.data.offset, length: ref.data.length })
    return
  }
  for (const key in o) collect(o[key], found, depth + 1)
}
