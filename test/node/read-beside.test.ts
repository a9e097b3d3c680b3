import test from 'brittle'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { CairnNode } from '../../node/node.js'
import { homePaths } from '../../node/storage/home.js'
import { createNode, syncOnce } from '../helpers/nodes.js'

test('a node opened read-only beside the process holding its home reads everything stored and writes nothing', async (t) => {
  const { node: a, home } = await createNode(t, 'a')
  const { node: peer } = await createNode(t, 'peer')
  await peer.postMany([{ type: 'note', body: { text: 'from the peer' } }])
  await a.follow(peer.feedKey)
  t.ok(await syncOnce(peer, a))
  await a.post('note', { text: 'indexed by the holder' })
  await a.postMany(Array.from({ length: 300 }, (_, i) => ({ type: 'note' as const, body: { text: `not indexed yet ${i}` } })))
  const paths = homePaths(home)
  const files = (): string[] => [paths.views, `${paths.views}-wal`].map((f) => `${statSync(f).size}:${statSync(f).mtimeMs}`)
  const before = files()
  const lock = readFileSync(paths.lock, 'utf8')

  const r = await CairnNode.open(home, { readOnly: true })
  t.is(r.readOnly, true)
  t.is(r.log().length, 2, 'what the holder has committed (it indexes the rest, not the reader)')
  t.is(r.log({ author: peer.identityKey }).length, 1, 'a followed feed too')
  await t.exception(r.post('note', { text: 'no' }), /^CairnError: READ_ONLY: cannot post: another cairn process \(pid \d+\) holds this home and it is open read-only here; use that process's HTTP API, or stop it$/)
  await t.exception(r.follow('ab'.repeat(32)), /READ_ONLY: cannot follow/)
  await t.exception(r.reindex(), /READ_ONLY: cannot reindex/)
  await t.exception(r.feed.append([{ type: 'note', body: { text: 'no' } }]), /READ_ONLY: cannot append/)
  await t.exception(r.blobs.put(Buffer.from('no')), /READ_ONLY: cannot store a blob/)
  t.alike(files(), before, 'the views file was not written')
  t.is(readFileSync(paths.lock, 'utf8'), lock, 'the lock stays with its holder')

  await a.indexer.run()
  t.is(a.log().length, 302, 'the holder goes on')
  t.is(r.log().length, 302, 'and the reader sees each frame it commits')
  t.is(r.log({ limit: 1 })[0]?.id, a.log({ limit: 1 })[0]?.id)
  await r.close()
  await a.post('note', { text: 'after the reader' })
  t.ok(existsSync(paths.lock))
})

test('reading beside the holder while it adopts a feed it has not stored yet', async (t) => {
  const { node: a, home } = await createNode(t, 'a')
  await a.post('note', { text: 'one' })
  const paths = homePaths(home)
  const state = JSON.parse(readFileSync(paths.state, 'utf8')) as { follows: Record<string, unknown> }
  state.follows['cd'.repeat(32)] = { kind: 'events', hops: 1 } // follow() writes state.json before the core reaches the store
  writeFileSync(paths.state, JSON.stringify(state))
  const r = await CairnNode.open(home, { readOnly: true })
  t.teardown(() => r.close())
  t.is(r.log().length, 1, 'the feed not stored yet is simply not read')
  t.is(r.coreForMaybe('cd'.repeat(32)), null)
})

test('reading a home nobody holds works the same, and takes no lock', async (t) => {
  const { node: a, home } = await createNode(t, 'a')
  await a.post('note', { text: 'one' })
  await a.close()
  const r = await CairnNode.open(home, { readOnly: true })
  t.teardown(() => r.close())
  t.is(r.log().length, 1)
  t.is(existsSync(homePaths(home).lock), false, 'no lock taken')
})
