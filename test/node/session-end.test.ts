import test from 'brittle'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import { connect as tcpConnect } from 'node:net'
import { Session } from '../../node/net/replication.js'
import { connect, listen, untilCaughtUp } from '../../node/net/sync.js'
import { createNode } from '../helpers/nodes.js'
import { fakePeer, randomKeys, until } from '../helpers/fake-peer.js'

test('a connection reaching a node that is closing is closed; nothing throws in the connection handler', async (t) => {
  const { node } = await createNode(t, 'a')
  const { server } = await listen(node, { host: '127.0.0.1', port: 0 })
  t.teardown(async () => await new Promise((resolve) => server.close(resolve)))
  const port = (server.address() as { port: number }).port
  await node.close() // the listener is still up: its store refuses to replicate now
  const socket = tcpConnect(port, '127.0.0.1')
  socket.on('error', () => {})
  await new Promise((resolve) => socket.once('close', resolve))
  t.pass('the peer was disconnected')
})

test('a session over a stream that closed before it began ends at once', async (t) => {
  const { node } = await createNode(t, 'a')
  const stream = new NoiseSecretStream(true, null)
  const gone = new Promise((resolve) => stream.once('close', resolve))
  stream.destroy()
  await gone
  const session = new Session(node, stream)
  await session.closed
  t.pass('closed resolved')
})

test('a node closing ends its sessions: a sync waiting on a silent peer returns', async (t) => {
  const { node } = await createNode(t, 'a')
  const silent = fakePeer(t, node) // never announces
  const waiting = untilCaughtUp(silent.session, 60_000)
  await node.close()
  t.is(await waiting, false, 'not caught up, and no PEER_TIMEOUT a minute later')
})

test('a peer that hangs up while its announcement is being adopted leaves no download or listener behind', async (t) => {
  const { node } = await createNode(t, 'a')
  const alone = randomKeys(1, 9)[0] as string
  await node.follow(alone) // followed with no session: the listeners a carried feed has of its own
  const own = node.coreFor(alone).listenerCount('download')
  const keys = randomKeys(900, 1)
  const peer = fakePeer(t, node)
  peer.announce(keys.map((key) => ({ key, kind: 'events', length: 5, hops: 0 })))
  await until(() => node.follows().length > 1) // the page is written to state; its cores are being opened
  peer.session.stream.destroy()
  await peer.session.closed
  await until(() => keys.every((key) => node.coreForMaybe(key) !== null)) // the adoption finishes
  t.alike(keys.map((key) => node.coreFor(key).listenerCount('download')).filter((n) => n !== own), [], 'each adopted core has only the node\'s own listeners')
})

test('a sync that caught up says so although the peer appends while the last frames are indexed (a daemon answering what we sent)', async (t) => {
  const { node: a } = await createNode(t, 'a')
  const { node: b } = await createNode(t, 'b')
  for (let i = 0; i < 3; i++) await a.post('note', { text: `note ${i}` })
  await b.follow(a.feedKey)
  const { server, sessions } = await listen(a, { host: '127.0.0.1', port: 0 })
  t.teardown(async () => { for (const s of sessions) s.destroy(); await new Promise((resolve) => server.close(resolve)) })
  const session = await connect(b, { host: '127.0.0.1', port: (server.address() as { port: number }).port })
  t.teardown(() => session.destroy())
  // The index run untilCaughtUp makes once caught up: a posts meanwhile, and b hears it is behind again before the run ends.
  const run = b.indexer.run.bind(b.indexer)
  let appended = false
  b.indexer.run = async () => {
    const last = !appended && session.caughtUp() && (new Error().stack ?? '').includes('untilCaughtUp')
    await run()
    if (!last) return
    appended = true
    // Until b has heard of a block it does not hold yet (it may fetch one before the check sees it: post again).
    for (let i = 0; session.caughtUp() && i < 50; i++) {
      const held = b.coreFor(a.feedKey).contiguousLength
      await a.post('note', { text: `a decision, say (${i})` })
      await until(() => !session.caughtUp() || b.coreFor(a.feedKey).contiguousLength > held)
    }
  }
  t.is(await untilCaughtUp(session, 30_000), true, 'caught up with what a had served')
  t.ok(appended && !session.caughtUp(), 'a appended while b indexed, and b is behind it now')
  t.ok(b.views.count >= 3, 'the three notes served before it indexed (the fourth, live, may be too)')
})
