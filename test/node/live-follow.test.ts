import test from 'brittle'
import { once } from 'node:events'
import createTestnet from 'hyperdht/testnet.js'
import { joinSwarm } from '../../node/net/swarm.js'
import type { CairnNode } from '../../node/node.js'
import { CairnNode as Node } from '../../node/node.js'
import { createNode, syncOnce } from '../helpers/nodes.js'

/** Resolves when the event with this id enters `node`'s views (or is there already). */
async function indexed (node: CairnNode, id: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const off = node.views.subscribe((e) => { if (e.id === id) { off(); resolve() } })
    if (node.views.has(id)) { off(); resolve() }
  })
}

type Swarm = Awaited<ReturnType<typeof joinSwarm>>

/**
 * The first session whose peer has announced. Two peers that dial each other
 * at once get two connections and hyperswarm closes one of them; a session
 * closed that way never announces, so wait on the next one instead.
 */
async function announcedSession (swarm: Swarm): Promise<Swarm['sessions'] extends Set<infer S> ? S : never> {
  for (;;) {
    if (swarm.sessions.size === 0) await once(swarm.swarm, 'connection')
    const session = [...swarm.sessions][0]
    if (session === undefined) continue
    const announced = await Promise.race([session.announced.then(() => true), session.closed.then(() => false, () => false)])
    if (announced) return session
  }
}

test('a feed followed during a live session is fetched over it, and a feed the peer starts carrying is offered over it, without reconnecting', async (t) => {
  const testnet = await createTestnet(3, { host: '127.0.0.1' })
  t.teardown(() => testnet.destroy(), { order: 2 })
  const { node: a } = await createNode(t, 'a')
  const { node: w } = await createNode(t, 'w')
  // B takes no feed from announcements: it carries only what it follows.
  const b = await Node.init(await t.tmp(), 'b', { announceLimits: { perPeer: 0, total: 0 } })
  t.teardown(() => b.close(), { order: 0 })
  const fromA = await a.post('note', { text: 'from a' })
  const fromW = await w.post('note', { text: 'from w' })

  const swarms = await Promise.all([a, b].map(async (n) => await joinSwarm(n, { bootstrap: testnet.bootstrap, topic: 'live-follow' })))
  for (const s of swarms) t.teardown(() => s.destroy(), { order: 1 })
  const [sa, sb] = swarms as [Swarm, Swarm]
  const session = await announcedSession(sb)
  t.is(b.follows().length, 0, 'B turned A\'s feeds away')

  await b.follow(a.feedKey)
  await indexed(b, fromA.id)
  t.pass('B follows A\'s feed while connected and gets its blocks over the same connection')

  await a.follow(w.feedKey)
  t.ok(await syncOnce(w, a), 'A fetched W\'s feed from W, apart')
  await b.follow(w.feedKey)
  await indexed(b, fromW.id)
  t.pass('B gets W\'s feed from A, which began carrying it after they connected')
  t.is(sb.sessions.size, 1, 'over the one connection')
  t.ok(sb.sessions.has(session) && sa.sessions.size === 1, 'never reconnected')
})
