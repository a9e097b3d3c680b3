import { CairnError } from '../../protocol/errors.js'
import { fromHex } from '../../protocol/hex.js'
import type { Views } from '../views/views.js'
import { inScope } from './scopes.js'

export type FeedKind = 'events' | 'blobs'

/**
 * Why this node carries a feed: the user followed it; an identity the node
 * trusts or follows linked it (identity.link); or a peer announced it and it
 * fitted the caps. Only the last kind is counted against the caps and
 * forgotten by `unfollow --announced`.
 */
type FollowReason = 'followed' | 'linked' | 'announced'

/** The node's own facts about a feed, fixed when it was adopted: a peer cannot change them later. */
export interface Follow {
  kind: FeedKind
  /** How far from its writer we learned of it: 0 by choice, else the announcing peer's hops + 1 at adoption. */
  hops: number
  via: FollowReason
  /** The peer (host, or transport key) that announced it, for via 'announced' and 'linked'. */
  from?: string
  /** What the feed is about, as announced when it was adopted (net/scopes.ts): announced on with it. */
  scopes?: string[]
}

/** How many announced (not chosen) feeds a node adopts: per announcing peer, and in all. */
export interface AnnounceLimits { perPeer: number, total: number }

/** A lab with a few hundred feeds stays well inside these; a flood stops at them. */
export const DEFAULT_ANNOUNCE_LIMITS: AnnounceLimits = { perPeer: 1_000, total: 10_000 }

/**
 * One feed as a peer announces it; scopes: what it is about (net/scopes.ts),
 * none from older peers; onDemand: a blobs core the peer fetches blobs of
 * when read (--blob-cache-mb), so it never holds it whole.
 */
export interface Announced { key: string, kind: FeedKind, length: number, hops: number, scopes?: string[], onDemand?: true }

/** Feeds spread at most this many hops from their writer: enough for lab -> maintainer -> developer chains, bounded against spam. */
export const MAX_HOPS = 4

export function announceLimits (...sources: Array<Partial<AnnounceLimits> | undefined>): AnnounceLimits {
  const out = { ...DEFAULT_ANNOUNCE_LIMITS }
  for (const source of sources.reverse()) { // first source wins
    for (const name of ['perPeer', 'total'] as const) {
      const value = source?.[name]
      if (value === undefined) continue
      if (!Number.isSafeInteger(value) || value < 0) throw new CairnError('BAD_LIMITS', `announce limit ${name} must be a whole number >= 0, not ${String(value)}`)
      out[name] = value
    }
  }
  return out
}

/** Follows written before reasons existed: hops 0 was always the user's choice, anything further an announcement. */
export function migrateFollow (raw: Partial<Follow> & { kind: FeedKind, hops: number }): Follow {
  if (raw.via !== undefined) return raw as Follow
  return { kind: raw.kind, hops: raw.hops, via: raw.hops === 0 ? 'followed' : 'announced' }
}

/**
 * Feeds the node has chosen through identities: key -> kind, for every
 * identity.link posted in the very feed it names (so its writer made it),
 * by an identity the node trusts, by the node itself, or whose feed the user
 * followed.
 */
export function chosenByLink (views: Views, followedByUser: (feed: string) => boolean): Map<string, FeedKind> {
  const out = new Map<string, FeedKind>()
  for (const e of views.ofType('identity.link')) {
    if (e.type !== 'identity.link' || e.feed !== e.body.feed) continue
    if (e.author !== views.root && !views.trust.has(e.author) && !followedByUser(e.feed)) continue
    out.set(e.body.feed, 'events')
    if (e.body.blobs !== undefined) out.set(e.body.blobs, 'blobs')
  }
  return out
}

/**
 * Which feeds of one announcement page to adopt. Feeds already carried are
 * left exactly as they are (kind and hops are ours); linked feeds are taken
 * with the link's kind; the rest only when in the node's interest (net/scopes.ts)
 * and while the caps have room. Returns the
 * new follows and how many announced feeds were turned away.
 */
export function choose (
  follows: Readonly<Record<string, Follow>>,
  page: readonly Announced[],
  from: string,
  limits: AnnounceLimits,
  linked: ReadonlyMap<string, FeedKind>,
  refused: ReadonlySet<string>,
  interest: readonly string[] = []
): { adopt: Map<string, Follow>, ignored: number } {
  let total = 0
  let fromPeer = 0
  for (const f of Object.values(follows)) {
    if (f.via !== 'announced') continue
    total++
    if (f.from === from) fromPeer++
  }
  const adopt = new Map<string, Follow>()
  let ignored = 0
  for (const e of page) {
    const hops = e.hops + 1
    const seen = adopt.get(e.key)
    if (seen !== undefined) { // listed twice in one page: the nearer listing counts
      seen.hops = Math.min(seen.hops, hops)
      continue
    }
    if (follows[e.key] !== undefined || hops > MAX_HOPS || refused.has(e.key)) continue
    const kind = linked.get(e.key)
    if (kind !== undefined) {
      adopt.set(e.key, { kind, hops, via: 'linked', from })
    } else if (!inScope(e.scopes, interest)) {
      continue // not wanted, so not counted against the caps
    } else if (fromPeer < limits.perPeer && total < limits.total) {
      adopt.set(e.key, { kind: e.kind, hops, via: 'announced', from, ...(e.scopes === undefined || e.scopes.length === 0 ? {} : { scopes: e.scopes }) })
      fromPeer++
      total++
    } else {
      ignored++
    }
  }
  return { adopt, ignored }
}

/** Nearer and chosen feeds first: under a peer's caps, they are the ones adopted. */
export function rank (f: Follow): number {
  return (f.via === 'announced' ? 1000 : 0) + f.hops
}

export function assertFeedKey (key: string): void {
  if (fromHex(key, 32) === null) throw new CairnError('BAD_KEY', `"${key}" is not a feed key (64 hex characters)`)
}
