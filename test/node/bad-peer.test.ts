import test from 'brittle'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import c from 'compact-encoding'
import { once } from 'node:events'
import { connect as tcpConnect } from 'node:net'
import Protomux from 'protomux'
import { PROTOCOL, Session } from '../../node/net/replication.js'
import { listen } from '../../node/net/sync.js'
import { pack } from '../../protocol/codec.js'
import { createNode, syncOnce } from '../helpers/nodes.js'

const page = (feeds: unknown[]): Uint8Array => pack({ round: 1, heard: 0, last: true, feeds })

test('a peer sending garbage announcements: each is counted and ignored, nothing is adopted, the session lives on', async (t) => {
  const { node } = await createNode(t, 'a')
  await node.post('note', { text: 'still here' })
  const ours = new NoiseSecretStream(true, null)
  const theirs = new NoiseSecretStream(false, null)
  ours.rawStream.pipe(theirs.rawStream).pipe(ours.rawStream)
  let counted: () => void = () => {}
  const allCounted = new Promise<void>((resolve) => { counted = resolve })
  let garbageSent = -1
  // the session logs each page it ignores: resolve once it has ignored every one sent
  const session: Session = new Session(node, ours, { log: () => { if (session.garbage === garbageSent) counted() } })
  t.teardown(() => { session.destroy(); theirs.destroy() })

  const mux = Protomux.from(theirs)
  const channel = mux.createChannel({ protocol: PROTOCOL })
  if (channel === null) throw new Error('no channel')
  const message = channel.addMessage({ encoding: c.buffer, onmessage: () => {} })
  channel.open()
  await theirs.opened
  const garbage: Uint8Array[] = [
    new Uint8Array([0xc1, 0xff, 0x00, 0x13]), // not msgpack
    pack({ not: 'a page' }),
    pack([{ key: 'a'.repeat(64), kind: 'events', length: 1, hops: 0 }]), // a bare list (v1)
    page([{ key: 'zz', kind: 'events', length: 1, hops: 0 }]), // key not hex
    page([{ key: 'a'.repeat(64), kind: 'events', length: -1, hops: 0 }]), // negative length
    page([{ key: 'a'.repeat(64), kind: 'cats', length: 1, hops: 0 }]), // unknown kind
    page(Array.from({ length: 1001 }, () => ({ key: 'a'.repeat(64), kind: 'events', length: 1, hops: 0 }))) // over the page size
  ]
  garbageSent = garbage.length
  for (const g of garbage) message.send(g)
  await allCounted
  t.is(session.garbage, garbage.length, 'every bad announcement was counted')
  t.alike(node.follows(), [], 'nothing was adopted from them')
  t.is(ours.destroyed, false, 'the session is still open')
  t.is(node.log({ type: 'note' }).length, 1, 'the node still answers')
})

test('raw garbage on the sync port (no Noise handshake) closes that connection only; the next peer syncs', async (t) => {
  const { node: a } = await createNode(t, 'a')
  const { node: b } = await createNode(t, 'b')
  await a.post('note', { text: 'for b' })
  const { server, sessions } = await listen(a, { host: '127.0.0.1', port: 0 }, undefined, 300)
  t.teardown(async () => {
    for (const s of sessions) s.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  const port = (server.address() as { port: number }).port
  const socket = tcpConnect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write(Buffer.alloc(4096, 0x41))
  socket.on('error', () => {}) // a reset is one way the node may hang up
  await once(socket, 'close') // 4 KiB of 'A' reads as a 4 MiB handshake frame: the node hangs up when it does not come
  t.pass('the node closed the garbage connection')
  await b.follow(a.feedKey)
  t.ok(await syncOnce(a, b), 'a well-behaved peer still syncs')
  t.alike(b.log({ type: 'note' }).map((e) => e.type === 'note' ? e.body.text : ''), ['for b'])
})
