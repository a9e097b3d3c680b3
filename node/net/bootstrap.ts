import { isIPv4 } from 'node:net'
import DHT from 'hyperdht'
import { CairnError } from '../../protocol/errors.js'
import type { HostPort } from './sync.js'

interface BootstrapNode {
  /** What nodes give as `--bootstrap HOST:PORT`. */
  address: HostPort
  destroy: () => Promise<void>
}

/**
 * A site's own HyperDHT bootstrap node: the first node of a private DHT, so
 * `cairn start --swarm --bootstrap HOST:PORT` never touches the public one.
 * It announces the address it binds, so that address must be the one the
 * other hosts reach it by: a concrete IPv4 address and a fixed UDP port
 * (hyperdht takes port 0 as its public default, 49737, not "any port").
 */
export async function startBootstrap (at: HostPort): Promise<BootstrapNode> {
  if (!isIPv4(at.host) || at.host === '0.0.0.0') {
    throw new CairnError('BAD_ADDRESS', `a bootstrap node listens on the IPv4 address the other hosts reach it by (e.g. 10.0.0.1), not "${at.host}": it announces that address as its own`)
  }
  if (at.port < 1 || at.port > 65535) throw new CairnError('BAD_ADDRESS', `a bootstrap node needs a fixed UDP port from 1 to 65535 (nodes name it in --bootstrap), not ${at.port}`)
  const dht = DHT.bootstrapper(at.port, at.host, { host: at.host })
  try {
    await dht.fullyBootstrapped()
  } catch (err) {
    await dht.destroy()
    throw new CairnError('LISTEN_FAILED', `cannot listen on ${at.host}:${at.port} (UDP): ${(err as Error).message}`, { cause: err })
  }
  const bound = dht.address()
  return { address: { host: at.host, port: bound?.port ?? at.port }, destroy: async () => { await dht.destroy() } }
}
