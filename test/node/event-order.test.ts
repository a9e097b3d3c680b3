import test from 'brittle'
import { CairnNode } from '../../node/node.js'
import { inFeedOrder } from '../../node/views/indexed.js'
import { createNode, syncOnce } from '../helpers/nodes.js'

function frozenClock (t: { teardown: (fn: () => void) => void }, at: number): { set: (ms: number) => void } {
  const real = Date.now
  let now = at
  Date.now = () => now
  t.teardown(() => { Date.now = real })
  return { set: (ms) => { now = ms } }
}

const texts = (node: CairnNode, author: string): string[] => node.log({ type: 'note', author }).map((e) => e.type === 'note' ? e.body.text : '')

test('notes posted in one millisecond, and after the clock steps back, read in the order they were posted, on every node and after a restart', async (t) => {
  const home = await t.tmp()
  let a = await CairnNode.init(home, 'a')
  const { node: b } = await createNode(t, 'b')
  const clock = frozenClock(t, 1_700_000_000_000)
  const posted = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight']
  for (const text of posted.slice(0, 5)) await a.post('note', { text })
  clock.set(1_600_000_000_000) // a step back
  await a.post('note', { text: 'six' })
  await a.close()
  a = await CairnNode.open(home) // the last ts comes back from the feed
  t.teardown(() => a.close(), { order: 0 })
  for (const text of posted.slice(6)) await a.post('note', { text })
  const ts = a.log({ type: 'note' }).map((e) => e.ts)
  t.ok(ts.every((v, i) => i === 0 || v > (ts[i - 1] as number)), 'ts strictly increases')
  t.alike(texts(a, a.identityKey), posted)
  await b.follow(a.feedKey)
  t.ok(await syncOnce(a, b))
  t.alike(texts(b, a.identityKey), posted, 'the same order on another node')
})

test('log keeps a feed\'s order even for events whose ts went back (written before ts was kept increasing)', async (t) => {
  // one feed as an older node wrote it: 200, then 100 (a clock step back), then 100 again; another feed at 150
  const feed = 'f'.repeat(64)
  const ev = (id: string, ts: number, f = feed): any => ({ id, ts, feed: f, seq: 0, type: 'note', author: 'x', refs: [], body: { text: id } }) // eslint-disable-line @typescript-eslint/no-explicit-any
  const list = [ev('c', 200), ev('b', 100), ev('a', 100), ev('z', 150, 'e'.repeat(64))]
  t.alike(inFeedOrder(list).map((e) => e.id), ['z', 'c', 'b', 'a'], 'the feed reads c, b, a; the other feed\'s 150 sorts before its 200')
})
