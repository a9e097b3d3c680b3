import test from 'brittle'
import { createServer } from 'node:net'
import type { Socket } from 'node:net'
import { connect, untilCaughtUp } from '../../node/net/sync.js'
import { createNode } from '../helpers/nodes.js'
import { fakePeer } from '../helpers/fake-peer.js'

test('a peer that accepts and says nothing: the sync ends with PEER_TIMEOUT naming it', async (t) => {
  const { node } = await createNode(t, 'b')
  const sockets: Socket[] = []
  const server = createServer((s) => { sockets.push(s) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => { for (const s of sockets) s.destroy(); await new Promise((resolve) => server.close(resolve)) })
  const port = (server.address() as { port: number }).port
  const session = await connect(node, { host: '127.0.0.1', port }, undefined, 300)
  t.teardown(() => session.destroy())
  await t.exception(untilCaughtUp(session, 300), new RegExp(`PEER_TIMEOUT: peer 127\\.0\\.0\\.1:${port} sent no announcement in 0\\.3 s`))
})

test('a peer announcing more than it serves: caught up with what it served, not with the claim', async (t) => {
  const { node: a } = await createNode(t, 'a')
  const { node: b } = await createNode(t, 'b')
  for (const text of ['one', 'two', 'three']) await a.post('note', { text })
  await b.follow(a.feedKey)
  const liar = fakePeer(t, b, a) // a's real blocks, the fake's claims
  await liar.received(1)
  liar.announce([{ key: a.feedKey, kind: 'events', length: 100, hops: 0 }])
  t.ok(await untilCaughtUp(liar.session, 5_000), 'caught up')
  t.is(b.coreFor(a.feedKey).contiguousLength, 3, 'with the three blocks that exist')
})

test('a peer announcing a feed it never serves: PEER_TIMEOUT says which', async (t) => {
  const { node: b } = await createNode(t, 'b')
  const { node: a } = await createNode(t, 'a')
  await a.post('note', { text: 'never sent' })
  await b.follow(a.feedKey)
  const silent = fakePeer(t, b) // announces, replicates nothing
  silent.announce([{ key: a.feedKey, kind: 'events', length: 1, hops: 0 }])
  await t.exception(untilCaughtUp(silent.session, 300), new RegExp(`PEER_TIMEOUT: peer fake served nothing for 0\\.3 s; core ${a.feedKey.slice(0, 16)}: we hold 0 of the 1 blocks`))
  t.is(silent.session.caughtUp(), false)
})
