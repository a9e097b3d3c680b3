import { pack, unpackExact } from '../../protocol/codec.js'
import { isHex32 } from '../../protocol/hex.js'
import type { Announced } from './follow-policy.js'
import { isPathScope, isScope, MAX_PATHS, MAX_SCOPES } from './scopes.js'

/**
 * Feeds per announcement page. A page stays near 100 KB however many cores a
 * node carries: a round is as many pages as it takes, the last one marked.
 */
export const PAGE_FEEDS = 1_000

/**
 * One page of an announcement round. `round` counts the sender's rounds;
 * `heard` is the last of the receiver's rounds the sender has handled whole,
 * so the receiver can tell a feed was judged (taken or turned away).
 */
export interface Page { round: number, heard: number, last: boolean, feeds: Announced[] }

export function encodePages (feeds: readonly Announced[], round: number, heard: number): Uint8Array[] {
  const pages: Uint8Array[] = []
  for (let i = 0; i === 0 || i < feeds.length; i += PAGE_FEEDS) {
    pages.push(pack({ round, heard, last: i + PAGE_FEEDS >= feeds.length, feeds: feeds.slice(i, i + PAGE_FEEDS).map(onWire) }))
  }
  return pages
}

/**
 * A feed as sent: its `path:DIR` scopes go in `paths`, without `path:`,
 * since an older peer takes a page whose `scopes` hold a kind it does not
 * know for garbage, and skips a field it does not know.
 */
function onWire ({ scopes, ...e }: Announced): Record<string, unknown> {
  // Anything else goes as it is: a test's hostile peer sends what it makes.
  if (!Array.isArray(scopes)) return scopes === undefined ? e : { ...e, scopes }
  const named = scopes.filter((s) => !isPathScope(s))
  const paths = scopes.filter(isPathScope).map((s) => s.slice('path:'.length))
  return { ...e, ...(named.length === 0 ? {} : { scopes: named }), ...(paths.length === 0 ? {} : { paths }) }
}

/** A page as the peer sent it, or null when it is not one (or holds more than PAGE_FEEDS feeds). */
export function parsePage (message: Uint8Array): Page | null {
  let value: unknown
  try {
    value = unpackExact(message, 'announcement')
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const { round, heard, last, feeds } = value as Record<string, unknown>
  if (!isCount(round) || !isCount(heard) || typeof last !== 'boolean' || !Array.isArray(feeds) || feeds.length > PAGE_FEEDS) return null
  const out: Announced[] = []
  for (const e of feeds as unknown[]) {
    if (typeof e !== 'object' || e === null) return null
    const { key, kind, length, hops, scopes, paths, onDemand } = e as Record<string, unknown>
    if (!isHex32(key) || (kind !== 'events' && kind !== 'blobs') || !isCount(length) || !isCount(hops)) return null
    if (onDemand !== undefined && onDemand !== true) return null
    const lazy = onDemand === true ? { onDemand: true as const } : {}
    // Bounded, or the page is not one: adopted scopes are stored with the feed.
    if (scopes !== undefined && (!Array.isArray(scopes) || scopes.length > MAX_SCOPES || !scopes.every(isScope))) return null
    if (paths !== undefined && (!Array.isArray(paths) || paths.length > MAX_PATHS || !paths.every((p) => typeof p === 'string' && isPathScope(`path:${p}`)))) return null
    const about = [...new Set([...(scopes as string[] | undefined ?? []), ...(paths as string[] | undefined ?? []).map((p) => `path:${p}`)])]
    out.push({ key, kind, length, hops, ...(scopes === undefined && paths === undefined ? {} : { scopes: about }), ...lazy })
  }
  return { round, heard, last, feeds: out }
}

function isCount (value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}
