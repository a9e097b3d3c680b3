import { toHex } from '../../protocol/hex.js'
import type { CairnNode, FeedKind } from '../node.js'
import type { Session } from '../net/replication.js'

/** A replication session the daemon holds, and how it came about. */
export interface LiveSession { via: 'sync' | 'swarm', session: Session }

interface PeerInfo {
  /** The peer's Noise public key (its transport key, not an identity). */
  key: string
  via: string | null
  address: string | null
  cores: Array<{ key: string, kind: FeedKind, remoteLength: number | null, localLength: number }>
}

/**
 * Who is connected: every peer that replicates at least one of our cores,
 * grouped by its transport key, with how much of each core it says it holds.
 * Sessions the daemon knows about add how the peer was reached.
 */
export function peersOf (node: CairnNode, sessions: Iterable<LiveSession> = []): PeerInfo[] {
  const byKey = new Map<string, PeerInfo>()
  for (const { via, session } of sessions) {
    const remote = session.stream.remotePublicKey
    if (remote === null) continue
    const key = toHex(remote)
    byKey.set(key, { key, via, address: addressOf(session.stream as unknown as { rawStream?: unknown }), cores: [] })
  }
  for (const { key: coreKey, kind, core } of node.carried()) {
    for (const peer of core.peers) {
      const key = toHex(peer.remotePublicKey)
      const info = byKey.get(key) ?? { key, via: null, address: null, cores: [] }
      const remoteLength = (peer as { remoteLength?: unknown }).remoteLength
      info.cores.push({ key: coreKey, kind, remoteLength: typeof remoteLength === 'number' ? remoteLength : null, localLength: core.length })
      byKey.set(key, info)
    }
  }
  return [...byKey.values()].sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
}

/** TCP sockets have remoteAddress/remotePort, UDX streams (swarm) remoteHost/remotePort. */
function addressOf (stream: { rawStream?: unknown }): string | null {
  const raw = stream.rawStream as { remoteAddress?: unknown, remoteHost?: unknown, remotePort?: unknown } | undefined
  const host = raw?.remoteAddress ?? raw?.remoteHost
  if (typeof host !== 'string') return null
  return typeof raw?.remotePort === 'number' ? `${host.includes(':') ? `[${host}]` : host}:${raw.remotePort}` : host
}
