import type Hypercore from 'hypercore'
import type { FeedKind } from './net/follow-policy.js'

/** One carried feed as `status` reports it. */
interface FeedStatus { key: string, kind: FeedKind, hops: number, length: number, contiguous: number, indexed: number | null, peers: number }

export interface NodeStatus {
  identity: string
  feed: string
  blobs: string
  name: string
  events: number
  rejected: number
  ownMissingBlocks: number
  feeds: FeedStatus[]
}

/** A feed's row; core null: adopted but not opened yet (no blocks announced), so it holds nothing. */
export function feedStatus (f: { key: string, kind: FeedKind, hops: number }, core: Hypercore | null, indexed: number | null): FeedStatus {
  return { key: f.key, kind: f.kind, hops: f.hops, length: core?.length ?? 0, contiguous: core?.contiguousLength ?? 0, indexed, peers: core?.peers.length ?? 0 }
}
