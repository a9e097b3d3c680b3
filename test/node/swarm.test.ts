import test from 'brittle'
import createTestnet from 'hyperdht/testnet.js'
import { joinSwarm } from '../../node/net/swarm.js'
import type { CairnNode } from '../../node/node.js'
import { createNode } from '../helpers/nodes.js'

async function until (what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('three nodes on a loopback hyperswarm testnet converge on the same events', async (t) => {
  const testnet = await createTestnet(3, { host: '127.0.0.1' })
  t.teardown(() => testnet.destroy(), { order: 2 })
  const nodes: CairnNode[] = []
  for (const name of ['a', 'b', 'c']) nodes.push((await createNode(t, name)).node)
  const [a, b, c] = nodes as [CairnNode, CairnNode, CairnNode]
  // Only A knows of B's feed and only B of C's: the rest spreads by announcement.
  await a.follow(b.feedKey)
  await b.follow(c.feedKey)
  for (const n of nodes) await n.post('note', { text: `hello from ${n.name}` })
  for (const n of nodes) {
    const swarm = await joinSwarm(n, { bootstrap: testnet.bootstrap, topic: 'linux-xfs' })
    t.teardown(() => swarm.destroy(), { order: 1 })
  }
  const ids = nodes.map((n) => n.log({ type: 'note' })[0]?.id).sort()
  for (const n of nodes) {
    await until(`${n.name} to hold every note`, () => n.log({ type: 'note' }).length === 3)
    t.alike(n.log({ type: 'note' }).map((e) => e.id).sort(), ids, `${n.name} converged`)
  }
  await c.post('note', { text: 'live update' })
  await until('the live note on a', () => a.log({ type: 'note' }).length === 4)
  t.pass('a new event reaches the others live')
})
