import test from 'brittle'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { DEFAULT_ANNOUNCE_LIMITS } from '../../node/net/follow-policy.js'
import { PAGE_FEEDS } from '../../node/net/announcement.js'
import { createNode, syncOnce } from '../helpers/nodes.js'
import { fakePeer, randomKeys, until } from '../helpers/fake-peer.js'

const events = (key: string, hops = 0): { key: string, kind: 'events', length: number, hops: number } => ({ key, kind: 'events', length: 0, hops })

test('a flood of announced feeds stops at the caps, is counted, written once per page, and forgotten on request', async (t) => {
  const home = await t.tmp()
  const node = await CairnNode.init(home, 'victim', { announceLimits: { perPeer: 20, total: 30 } })
  t.teardown(() => node.close(), { order: 0 })
  const chosen = randomKeys(1, 9)[0] as string
  await node.follow(chosen)
  const writesBefore = node.stateWrites
  const peer = fakePeer(t, node)
  peer.announce([events(chosen, 3), ...randomKeys(500, 1).map((k) => events(k))])
  await until(() => peer.session.ignored + node.follows().length >= 501)
  t.is(node.follows().filter((f) => f.via === 'announced').length, 20, 'the per-peer cap holds')
  t.is(peer.session.ignored, 480, 'the rest was counted and ignored')
  t.is(node.stateWrites - writesBefore, 1, 'state.json was written once for the page, not once per key')
  t.alike(node.follows().find((f) => f.key === chosen), { key: chosen, kind: 'events', hops: 0, via: 'followed' }, 'a followed feed keeps its own facts')
  t.alike(DEFAULT_ANNOUNCE_LIMITS, { perPeer: 1000, total: 10000 })

  const forgotten = await node.forgetAnnounced()
  t.is(forgotten.length, 20)
  t.alike(node.follows().map((f) => f.key), [chosen], 'only the chosen feed is left')
  t.is(node.carried().length, 3, 'own feeds and the chosen one')
  const state = JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')) as { follows: Record<string, unknown> }
  t.alike(Object.keys(state.follows), [chosen], 'and so it stays after a restart')
})

test('kinds and hops are the node\'s own facts after adoption: a re-announcement changes neither, not even after a restart', async (t) => {
  const home = await t.tmp()
  let node = await CairnNode.init(home, 'b')
  const key = randomKeys(1, 2)[0] as string
  const peer = fakePeer(t, node)
  peer.announce([events(key, 2)])
  await until(() => node.follows().length === 1)
  const facts = (): unknown => { const f = node.follows()[0]; return [f?.key, f?.kind, f?.hops, f?.via] }
  t.alike(facts(), [key, 'events', 3, 'announced'])
  peer.announce([{ key, kind: 'blobs', length: 0, hops: 0 }])
  await until(() => peer.session.roundsHeard >= 2)
  t.alike(facts(), [key, 'events', 3, 'announced'], 'still events, still 3 hops')
  peer.session.destroy()
  await node.close()
  node = await CairnNode.open(home)
  t.teardown(() => node.close())
  t.is(node.follows()[0]?.kind, 'events', 'after a restart too')
})

test('cairn unfollow by key: the feed is dropped and a peer cannot bring it back; follow does', async (t) => {
  const { node: a } = await createNode(t, 'a')
  const { node: b } = await createNode(t, 'b')
  await a.post('note', { text: 'hello' })
  await b.follow(a.feedKey)
  t.ok(await syncOnce(a, b))
  t.is(b.log({ type: 'note' }).length, 1)
  t.ok(await b.unfollow(a.feedKey))
  t.is(b.log({ type: 'note' }).length, 0, 'its events left the views')
  t.is(b.coreForMaybe(a.feedKey), null)
  const peer = fakePeer(t, b)
  peer.announce([events(a.feedKey)])
  await until(() => peer.session.roundsHeard >= 1)
  t.is(b.follows().find((f) => f.key === a.feedKey), undefined, 'an announcement does not bring it back')
  await t.exception(b.unfollow(b.feedKey), /OWN_FEED/)
  t.ok(await b.follow(a.feedKey))
})

test('a node carrying more feeds than one page announces them in pages, and a peer takes them all', async (t) => {
  const home = await t.tmp()
  const big = await CairnNode.init(home, 'big', { announceLimits: { perPeer: 5000, total: 5000 } })
  t.teardown(() => big.close(), { order: 0 })
  const keys = randomKeys(PAGE_FEEDS + 300, 3)
  const feeder = fakePeer(t, big)
  feeder.announce(keys.map((k) => events(k, 1)))
  await until(() => big.follows().length === keys.length) // every announced one adopted (empty: not opened until it has blocks)
  t.is(big.carried().length, 2, 'an empty announced feed is carried without an open core')
  feeder.session.destroy()

  const listener = fakePeer(t, big)
  await until(() => listener.pages.some((p) => p.last))
  const round = listener.pages.filter((p) => p.round === 1)
  t.is(round.length, 2, 'two pages')
  t.ok(round.every((p) => p.feeds.length <= PAGE_FEEDS), 'none over the page size')
  t.is(round.reduce((n, p) => n + p.feeds.length, 0), keys.length + 2, 'every carried core is announced')

  const small = await CairnNode.init(await t.tmp(), 'small', { announceLimits: { perPeer: 5000, total: 5000 } })
  t.teardown(() => small.close(), { order: 0 })
  t.ok(await syncOnce(big, small), 'a real peer syncs with it')
  t.is(small.follows().length, keys.length + 2, 'and takes every page (hops allowing)')
})

test('an announced feed with no blocks is adopted without opening its core; blocks announced later open it, and a restart opens only what holds blocks', async (t) => {
  const { node: w } = await createNode(t, 'w')
  const home = await t.tmp()
  let b = await CairnNode.init(home, 'b')
  t.teardown(async () => await b.close(), { order: 0 })
  t.ok(await syncOnce(w, b))
  t.alike(b.follows().map((f) => f.key).sort(), [w.feedKey, w.blobsKey].sort(), 'both of the writer\'s empty feeds adopted')
  t.is(b.carried().length, 2, 'neither opened: only b\'s own two cores')
  t.alike(b.status().feeds.filter((f) => f.hops === 1).map((f) => f.length), [0, 0], 'status lists them, holding nothing')

  await w.post('note', { text: 'now it has a block' })
  t.ok(await syncOnce(w, b))
  t.is(b.log({ type: 'note' }).length, 1, 'announced with a block: opened, fetched and indexed')
  t.is(b.coreForMaybe(w.blobsKey), null, 'the still empty blobs core stays closed')

  await b.close()
  b = await CairnNode.open(home)
  t.ok(b.coreForMaybe(w.feedKey) !== null, 'after a restart the feed with blocks is open')
  t.is(b.coreForMaybe(w.blobsKey), null, 'and the empty one is not')
  t.is(b.log({ type: 'note' }).length, 1)
})
