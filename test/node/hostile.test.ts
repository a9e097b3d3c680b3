// Issue 13's re-probe as a hostile peer and sender, for cases the other
// files do not cover: a peer that announces and never serves, one that sends
// garbage pages without end, a flood of the same announcement, and mails
// with 100,000 header lines or 50,000 nested multiparts.
import test from 'brittle'
import c from 'compact-encoding'
import Protomux from 'protomux'
import { mailinfo, runMailinfo } from '../../bridges/email/parse/mailinfo.js'
import { MAX_GARBAGE_PAGES, PROTOCOL, Session } from '../../node/net/replication.js'
import { untilCaughtUp } from '../../node/net/sync.js'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import { createNode, syncOnce } from '../helpers/nodes.js'
import { fakePeer, randomKeys, until } from '../helpers/fake-peer.js'

test('a peer announcing feeds it never serves: its sync ends with PEER_TIMEOUT naming it, and an honest peer syncs meanwhile', async (t) => {
  const { node: b } = await createNode(t, 'b')
  const { node: a } = await createNode(t, 'a')
  await a.post('note', { text: 'from an honest peer' })
  const liar = fakePeer(t, b)
  liar.announce(randomKeys(50, 4).map((key) => ({ key, kind: 'events', length: 10, hops: 0 })))
  await until(() => b.follows().length === 50)
  const lying = untilCaughtUp(liar.session, 500)
  t.ok(await syncOnce(a, b), 'the honest peer syncs while the liar is connected')
  t.is(b.log({ type: 'note' }).length, 1)
  await t.exception(lying, /PEER_TIMEOUT: peer fake served nothing for 0\.5 s; core [0-9a-f]{16}: we hold 0 of the 10 blocks it announced/)
})

test('a peer sending garbage pages without end: the session is closed with PEER_GARBAGE, and the node serves others', async (t) => {
  const { node } = await createNode(t, 'a')
  const { node: other } = await createNode(t, 'b')
  await node.post('note', { text: 'still served' })
  const ours = new NoiseSecretStream(true, null)
  const theirs = new NoiseSecretStream(false, null)
  ours.rawStream.pipe(theirs.rawStream).pipe(ours.rawStream)
  const session = new Session(node, ours, { peer: 'garbler' })
  t.teardown(() => { session.destroy(); theirs.destroy() })
  const channel = Protomux.from(theirs).createChannel({ protocol: PROTOCOL })
  if (channel === null) throw new Error('no channel')
  const message = channel.addMessage({ encoding: c.buffer, onmessage: () => {} })
  channel.open()
  for (let i = 0; i < MAX_GARBAGE_PAGES * 4; i++) message.send(new Uint8Array([0xc1, i & 0xff]))
  await session.closed
  t.is(session.reason?.code, 'PEER_GARBAGE')
  t.ok(session.reason?.message.includes('peer garbler'), session.reason?.message)
  t.is(session.garbage, MAX_GARBAGE_PAGES + 1, 'nothing was read after the limit')
  await other.follow(node.feedKey)
  t.ok(await syncOnce(node, other), 'another peer syncs')
  t.is(other.log({ type: 'note' }).length, 1)
})

test('a flood of re-announcements of the same feeds: one state write for the first, none for the 200 repeats', async (t) => {
  const { node } = await createNode(t, 'a')
  const peer = fakePeer(t, node)
  const feeds = randomKeys(1000, 6).map((key) => ({ key, kind: 'events' as const, length: 0, hops: 0 }))
  const before = node.stateWrites
  for (let i = 0; i < 201; i++) peer.announce(feeds)
  await until(() => peer.session.roundsHeard >= 201)
  t.is(node.follows().length, 1000)
  t.is(node.stateWrites - before, 1, 'written once, for the round that adopted them')
  t.is(node.carried().length, 2, 'and, announced empty, none of them holds an open core')
})

test('a mail with 100,000 header lines parses in one pass; one nesting multiparts 50,000 deep stops at git\'s depth with its error (MAIL_PARSE when strict)', (t) => {
  const headers = ['From: A <a@example.org>', 'Subject: [PATCH] many headers', 'Message-ID: <many@example.org>']
  for (let i = 0; i < 100_000; i++) headers.push(`X-Header-${i}: value ${i}`)
  const many = mailinfo(Buffer.from(`${headers.join('\n')}\n\nthe body\n`))
  t.is(many.subject, 'many headers')
  t.is(many.messageId, 'many@example.org')
  t.ok(many.message.includes('the body'))

  const depth = 50_000
  const parts = ['From: A <a@example.org>', 'Subject: [PATCH] deep', 'Message-ID: <deep@example.org>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b0"', '']
  for (let i = 0; i < depth; i++) parts.push(`--b${i}`, `Content-Type: multipart/mixed; boundary="b${i + 1}"`, '')
  parts.push(`--b${depth}`, 'Content-Type: text/plain', '', 'innermost')
  for (let i = depth; i >= 0; i--) parts.push(`--b${i}--`)
  const raw = Buffer.from(parts.join('\n') + '\n')
  const deep = runMailinfo(raw)
  t.is(deep.parsed.subject, 'deep', 'parsed, without overflowing the stack')
  t.alike(deep.errors, ['Too many boundaries to handle'], 'stopped at git\'s depth, with git mailinfo\'s own error')
  t.ok(deep.parsed.message.length < raw.length / 10, 'what it kept is what it read before stopping')
  t.exception(() => mailinfo(raw, { strict: true }), /MAIL_PARSE: Message-ID <deep@example\.org>: Too many boundaries to handle/)
})
