import type { TestInstance } from 'brittle'
import { CairnNode } from '../../node/node.js'
import { listen, connect, untilCaughtUp } from '../../node/net/sync.js'

/** A fresh node in a temp home that brittle removes; closed on teardown. */
export async function createNode (t: TestInstance, name = 'node'): Promise<{ node: CairnNode, home: string }> {
  const home = await t.tmp()
  const node = await CairnNode.init(home, name)
  t.teardown(() => node.close(), { order: 0 })
  return { node, home }
}

/** Sync `b` from `a` once over a loopback TCP connection and wait until b holds what a announced. */
export async function syncOnce (a: CairnNode, b: CairnNode): Promise<boolean> {
  const { server, sessions } = await listen(a, { host: '127.0.0.1', port: 0 })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  const session = await connect(b, { host: '127.0.0.1', port: address.port })
  try {
    return await untilCaughtUp(session, 30_000)
  } finally {
    session.destroy()
    for (const s of sessions) s.destroy()
    await new Promise((resolve) => server.close(resolve))
  }
}
