import test from 'brittle'
import { chmodSync, closeSync, openSync, statSync, writeSync, fstatSync } from 'node:fs'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { homePaths } from '../../node/home.js'
import { isCairnError } from '../../protocol/errors.js'
import { createNode, syncOnce } from '../helpers/nodes.js'

/** Everything the views answer, in a comparable form. */
function snapshot (node: CairnNode): unknown {
  return {
    events: node.log().map((e) => [e.id, e.feed, e.seq]),
    rejected: node.views.rejected,
    checkpoints: [...node.views.checkpoints].sort(),
    trust: [...node.views.trust].map(([k, r]) => [k, [...r].sort()]).sort(),
    identities: [...node.views.identities].sort()
  }
}

test('identity key is a 0600 file and a readable one is refused', async (t) => {
  const home = await t.tmp()
  const node = await CairnNode.init(home, 'a')
  await node.close()
  const key = homePaths(home).identity
  t.is(statSync(key).mode & 0o777, 0o600)
  chmodSync(key, 0o644)
  await t.exception(CairnNode.open(home), /KEY_PERMISSIONS/)
  chmodSync(key, 0o600)
  await (await CairnNode.open(home)).close()
  await t.exception(CairnNode.init(home, 'again'), /ALREADY_INITIALISED/)
})

test('restart keeps feeds, follows, trust and views; reindex gives the same views', async (t) => {
  const { node: a } = await createNode(t, 'a')
  const home = await t.tmp()
  let b = await CairnNode.init(home, 'b')
  await a.post('identity.link', { feed: a.feedKey, name: 'Ada', emails: ['ada@example.org'] })
  for (let i = 0; i < 20; i++) await a.post('note', { text: `note ${i}` })
  await b.follow(a.feedKey)
  await b.trust(a.identityKey, ['reviewer'])
  t.ok(await syncOnce(a, b))
  const before = snapshot(b)
  await b.close()

  b = await CairnNode.open(home)
  t.teardown(() => b.close())
  t.alike(snapshot(b), before, 'same views after restart')
  t.is(b.views.trust.get(a.identityKey)?.has('reviewer'), true)
  t.is(b.views.identities.get(a.identityKey)?.name, 'Ada')
  t.is(b.follows().length > 0, true)
  t.is(b.coreFor(a.feedKey).contiguousLength, a.feed.core.length, 'replicated blocks persisted')

  await b.reindex()
  t.alike(snapshot(b), before, 'same views after reindex')
})

test('a torn view log tail is cut and those blocks are indexed again', async (t) => {
  const home = await t.tmp()
  let node = await CairnNode.init(home, 'a')
  for (let i = 0; i < 5; i++) await node.post('note', { text: `n${i}` })
  const before = snapshot(node)
  await node.close()
  const fd = openSync(homePaths(home).views, 'r+')
  const size = fstatSync(fd).size
  writeSync(fd, Buffer.from([0x00, 0x00, 0x10]), 0, 3, size) // half a frame header: a crash mid-write
  closeSync(fd)
  node = await CairnNode.open(home)
  t.teardown(() => node.close())
  t.alike(snapshot(node), before)
  t.is(statSync(join(home, 'views.log')).size, size, 'the torn bytes were cut')
})

test('a second process on the same home is refused with who holds it', async (t) => {
  const { home } = await createNode(t, 'a')
  try {
    await CairnNode.open(home)
    t.fail('second open must fail')
  } catch (err) {
    t.ok(isCairnError(err, 'HOME_LOCKED'), (err as Error).message)
  }
})
