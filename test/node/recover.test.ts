import test from 'brittle'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { recoverOwnFeed } from '../../node/net/recover.js'
import { connect, listen, untilCaughtUp } from '../../node/net/sync.js'
import { isCairnError } from '../../protocol/errors.js'
import { killed, nextJson, spawnHelper } from '../helpers/child.js'
import { damageWalTail } from '../helpers/damage.js'
import { createNode } from '../helpers/nodes.js'
import { fakePeer } from '../helpers/fake-peer.js'
import { LengthRecord } from '../../node/storage/length-record.js'

/** Resolves once `node` has indexed the event `id` (at once when it has). */
async function indexed (node: CairnNode, id: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const off = node.views.subscribe((e) => { if (e.id === id) { off(); resolve() } })
    if (node.views.has(id)) { off(); resolve() }
  })
}

test('a damaged store that reopens short refuses to append and recovers its feed from a peer', async (t) => {
  const dir = await t.tmp()
  const home = join(dir, 'a')
  await (await CairnNode.init(home, 'a')).close()
  const { node: b } = await createNode(t, 'b')

  // A appends 5 blocks in a child process that serves sync; B copies them; then A dies hard.
  const { child, lines } = spawnHelper('append-child', [home, '5', '1', '--listen', '--hold'])
  t.teardown(() => killed(child))
  const hello = await nextJson(lines)
  const acked: string[] = []
  for (let i = 0; i < 5; i++) acked.push(...(await nextJson(lines)).ids as string[])
  await b.follow(hello.feed as string)
  const toA = await connect(b, { host: '127.0.0.1', port: hello.listening as number })
  t.ok(await untilCaughtUp(toA, 20_000), 'B holds all of A')
  toA.destroy()
  await killed(child)

  damageWalTail(home)
  const a = await CairnNode.open(home)
  t.teardown(() => a.close())
  t.ok(a.feed.missingBlocks() > 0, `A reopened short: ${a.feed.core.length} blocks, ${a.feed.missingBlocks()} missing`)
  try {
    await a.post('note', { text: 'this would fork the feed' })
    t.fail('append on a short feed must be refused')
  } catch (err) {
    t.ok(isCairnError(err, 'FEED_TRUNCATED'), (err as Error).message)
  }
  t.is(a.feed.core.length, 5 - a.feed.missingBlocks(), 'nothing was appended')

  const { server, sessions } = await listen(b, { host: '127.0.0.1', port: 0 })
  const address = server.address() as { port: number }
  const toB = await connect(a, { host: '127.0.0.1', port: address.port })
  t.is(await recoverOwnFeed(a, toB, 20_000), 5, 'all 5 blocks back')
  t.is(a.feed.missingBlocks(), 0)
  t.alike(a.log({ type: 'note' }).map((e) => e.id).sort(), [...acked].sort(), 'every acknowledged event is indexed again')
  const after = await a.post('note', { text: 'appending works again' })
  t.is(a.feed.core.length, 6)
  t.ok(await untilCaughtUp(toB, 20_000))
  await indexed(b, after.id) // B indexes each block it downloads; a forked block would never be indexed
  t.ok(b.views.has(after.id), 'B accepts the new block: no fork')
  toB.destroy()
  for (const s of sessions) s.destroy()
  await new Promise((resolve) => server.close(resolve))
})

test('recovery from a peer that serves none of our feed ends with PEER_TIMEOUT naming it once nothing arrives; from one that leaves, with RECOVER_FAILED', async (t) => {
  const home = join(await t.tmp(), 'a')
  const first = await CairnNode.init(home, 'a')
  await first.post('note', { text: 'the one block the store still holds' })
  await first.close()
  const record = new LengthRecord(join(home, 'own-length'))
  record.set(3) // acknowledged 3 blocks: 2 are lost
  record.close()
  const a = await CairnNode.open(home)
  t.teardown(() => a.close(), { order: 0 })
  t.is(a.feed.missingBlocks(), 2)

  const empty = fakePeer(t, a)
  empty.announce([])
  await t.exception(recoverOwnFeed(a, empty.session, 300), /PEER_TIMEOUT: peer fake served nothing of our own feed for 0\.3 s; we hold 1 of 3 blocks/)

  const leaving = fakePeer(t, a)
  leaving.announce([])
  await leaving.session.announced
  const recovering = recoverOwnFeed(a, leaving.session, 60_000)
  leaving.session.destroy()
  await t.exception(recovering, /RECOVER_FAILED: the peer gave us 1 of 3 blocks/, 'the peer left: no wait for the timeout')
  t.is(a.feed.missingBlocks(), 2, 'nothing was lost or appended')
})
