import test from 'brittle'
import { once } from 'node:events'
import createTestnet from 'hyperdht/testnet.js'
import { joinSwarm } from '../../node/net/swarm.js'
import type { CairnNode } from '../../node/node.js'
import { createNode } from '../helpers/nodes.js'
import { until } from '../runners/fixture.js'

test('three nodes on a loopback hyperswarm testnet converge on the same events', async (t) => {
  const testnet = await createTestnet(3, { host: '127.0.0.1' })
  t.teardown(() => testnet.destroy(), { order: 2 })
  const nodes: CairnNode[] = []
  for (const name of ['a', 'b', 'c']) nodes.push((await createNode(t, name)).node)
  const [a, b, c] = nodes as [CairnNode, CairnNode, CairnNode]
  // Only A knows of B's feed and only B of C's: the rest spreads by announcement.
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

test('two nodes that join a topic at the same moment find each other (a second lookup soon after joining)', async (t) => {
  const testnet = await createTestnet(3, { host: '127.0.0.1' })
  t.teardown(() => testnet.destroy(), { order: 2 })
  const [a, b] = [(await createNode(t, 'a')).node, (await createNode(t, 'b')).node]
  await a.post('note', { text: 'from a' })
  await b.post('note', { text: 'from b' })
  // Joined together, each first lookup runs before the other's announcement is stored.
  const swarms = await Promise.all([a, b].map(async (n) => await joinSwarm(n, { bootstrap: testnet.bootstrap, topic: 'together' })))
  for (const s of swarms) t.teardown(() => s.destroy(), { order: 1 })
  for (const s of swarms) if (s.sessions.size === 0) await once(s.swarm, 'connection')
  t.pass('each found the other')
  await until('b\'s note on a', () => a.log({ type: 'note' }).length === 2)
  t.pass('and they replicate')
})
