import DHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'
import type { PeerDiscovery } from 'hyperswarm'
import type { CairnNode } from '../node.js'
import { Session } from './replication.js'
import type { HostPort } from './sync.js'

/** A project is a swarm topic: blake2b of a namespaced project name, so unrelated swarms never meet. */
function projectTopic (node: CairnNode, name: string): Uint8Array {
  return node.crypto.blake2b256(new TextEncoder().encode(`cairn/topic/v1/${name}`))
}

/**
 * Seconds after joining at which the topic is looked up again. Two nodes
 * that join at the same moment each look up before the other's announcement
 * is stored, and hyperswarm's own refresh comes only every 10 minutes; its
 * schedule takes over after the last of these.
 */
const EARLY_REFRESH_S = [1, 3, 7, 15, 31]
/**
 * After those, a node with no peer looks up again this often: a lookup that
 * failed (a busy host, few DHT nodes answering: "Too few nodes responded")
 * or found no one would otherwise wait for hyperswarm's 10 minutes.
 */
const LONELY_REFRESH_S = 30

/** Refresh the topic on EARLY_REFRESH_S, then while `lonely`; returns what stops the timers. Timers are unref'd: they never hold the process open. */
function refreshEarly (discovery: PeerDiscovery, lonely: () => boolean, log: (msg: string) => void): () => void {
  const refresh = (): void => { discovery.refresh().catch((err: Error) => log(`swarm: topic refresh failed: ${err.message}`)) }
  const timers = EARLY_REFRESH_S.map((s) => setTimeout(refresh, s * 1000).unref())
  const last = EARLY_REFRESH_S[EARLY_REFRESH_S.length - 1] ?? 0
  let interval: NodeJS.Timeout | null = null
  timers.push(setTimeout(() => { interval = setInterval(() => { if (lonely()) refresh() }, LONELY_REFRESH_S * 1000).unref() }, last * 1000).unref())
  return () => {
    for (const timer of timers) clearTimeout(timer)
    if (interval !== null) clearInterval(interval)
  }
}

interface SwarmHandle {
  swarm: Hyperswarm
  sessions: Set<Session>
  destroy: () => Promise<void>
}

/**
 * Join the project's topic and replicate with every peer found. The DHT is
 * only ever the bootstrap list we are given: a node never reaches for the
 * public DHT by itself. On loopback-only bootstraps the DHT binds loopback.
 */
export async function joinSwarm (node: CairnNode, opts: { bootstrap: HostPort[], topic: string, reachable?: boolean, log?: (msg: string) => void }): Promise<SwarmHandle> {
  const loopback = opts.bootstrap.every((b) => b.host === '127.0.0.1' || b.host === 'localhost')
  // A DHT node starts out firewalled and only learns otherwise after minutes of
  // NAT samples from many peers; a small private network may never supply them,
  // so a host behind no NAT says so (reachable) and peers connect to it directly.
  const dht = new DHT({ bootstrap: opts.bootstrap, ...(loopback ? { host: '127.0.0.1' } : {}), ...(opts.reachable === true ? { firewalled: false } : {}) })
  const swarm = new Hyperswarm({ dht })
  const sessions = new Set<Session>()
  swarm.on('connection', (conn) => {
    const session = new Session(node, conn, opts.log === undefined ? {} : { log: opts.log })
    sessions.add(session)
    session.closed.then(() => sessions.delete(session), () => {})
  })
  const discovery = swarm.join(projectTopic(node, opts.topic), { server: true, client: true })
  const stopRefreshing = refreshEarly(discovery, () => sessions.size === 0, opts.log ?? (() => {}))
  await discovery.flushed()
  return {
    swarm,
    sessions,
    destroy: async () => {
      stopRefreshing()
      for (const s of sessions) s.destroy()
      await swarm.destroy()
      await dht.destroy()
    }
  }
}
