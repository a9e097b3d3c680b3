import test from 'brittle'
import type { TestInstance } from 'brittle'
import Database from 'better-sqlite3'
import { chmodSync, existsSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { rebuildReason } from '../../node/cli/command.js'
import { CairnNode } from '../../node/node.js'
import { SCHEMA_VERSION } from '../../node/views/db/schema.js'
import { homePaths } from '../../node/storage/home.js'
import { encodeBlock } from '../../protocol/block.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { signEvent } from '../../protocol/event.js'
import { isCairnError } from '../../protocol/errors.js'
import { cairn } from '../helpers/cli.js'
import { createNode, syncOnce } from '../helpers/nodes.js'

/** Everything the views answer, in a comparable form. */
function snapshot (node: CairnNode): unknown {
  return {
    events: node.log().map((e) => [e.id, e.feed, e.seq]),
    rejected: node.views.rejections(),
    checkpoints: [...node.views.checkpoints()].sort(),
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

test('reindex while a pass is indexing waits for it, then rebuilds every event (no gap, in memory or in the log)', async (t) => {
  const { node: a } = await createNode(t, 'a')
  const home = await t.tmp()
  // The second reindex is asked for from the first frame the first one commits, so a pass is under way then.
  let frameCommitted: (() => void) | null = null
  let b = await CairnNode.init(home, 'b', { onProgress: () => { frameCommitted?.() } })
  await a.postMany(Array.from({ length: 10_000 }, (_, i) => ({ type: 'note' as const, body: { text: `${i} ${'z'.repeat(900)}` } }))) // ~180 blocks: three frames
  await b.follow(a.feedKey)
  t.ok(await syncOnce(a, b))
  const before = snapshot(b)
  let second: Promise<void> | null = null
  frameCommitted = () => {
    frameCommitted = null
    t.ok(b.views.count < 10_000, `a pass is under way (${b.views.count} events in)`)
    second = b.reindex()
  }
  await b.reindex()
  t.ok(second !== null, 'the second reindex was asked for during the first')
  await second
  t.alike(snapshot(b), before, 'every event indexed once')
  await b.close()
  b = await CairnNode.open(home)
  t.teardown(() => b.close())
  t.is(b.rebuilt, null, 'the views reopen as committed')
  t.alike(snapshot(b), before)
})

/** B follows A, whose feed holds good events and a forged one; B indexes it and closes. */
async function nodeWithAForgedEvent (t: TestInstance): Promise<{ home: string, before: unknown }> {
  const { node: a } = await createNode(t, 'a')
  const home = await t.tmp()
  const b = await CairnNode.init(home, 'b')
  let ts = 1_000
  const good = (text: string): ReturnType<typeof signEvent>['signed'] => signEvent({ type: 'note', ts: ts++, body: { text } }, a.identity, nativeCrypto).signed
  const forged = good('forged text')
  forged.sig = Uint8Array.from(forged.sig).map((x, i) => (i === 0 ? x ^ 1 : x))
  await a.feed.core.append([encodeBlock([good('first good'), forged]), new Uint8Array([0xde, 0xad])])
  await a.postMany(Array.from({ length: 300 }, (_, i) => ({ type: 'note' as const, body: { text: `bulk ${i}` } })))
  await b.follow(a.feedKey)
  t.ok(await syncOnce(a, b))
  t.is(b.views.rejectionCount, 2, 'the forged event and the garbage block are rejected')
  const before = snapshot(b)
  await b.close()
  return { home, before }
}

/** Set PRAGMA user_version of a closed home's views file. */
function setSchemaVersion (home: string, version: number): void {
  const db = new Database(homePaths(home).views)
  db.pragma(`user_version = ${version}`)
  db.close()
}

test('views.sqlite is 0600, holds its rows, and reopens to the same views without taking a rejected event back', async (t) => {
  const { home, before } = await nodeWithAForgedEvent(t)
  const path = homePaths(home).views
  t.is(statSync(path).mode & 0o777, 0o600)
  const db = new Database(path, { readonly: true })
  t.alike(db.prepare('SELECT type, n FROM type_counts').all(), [{ type: 'note', n: 301 }])
  t.is((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n, 301)
  db.close()
  const b = await CairnNode.open(home)
  t.teardown(() => b.close())
  t.alike(snapshot(b), before, 'the same views, the forged event still rejected')
  t.is(b.log().some((e) => e.type === 'note' && e.body.text === 'forged text'), false)
  t.is(b.rebuilt, null)
  t.alike(b.log({ limit: 2 }).map((e) => e.id), b.log().slice(-2).map((e) => e.id), 'log --limit reads the newest rows')
})

test('a views file of another version is remade, the views rebuilt from the feeds, and it says so, with progress on the CLI', async (t) => {
  const { home, before } = await nodeWithAForgedEvent(t)
  setSchemaVersion(home, 11)
  t.is(rebuildReason(home), `this home's views.sqlite is of schema 11, this release's of ${SCHEMA_VERSION}`, 'the CLI says why before it opens')
  let b = await CairnNode.open(home)
  t.is(b.rebuilt, `the views of another release (views.sqlite of schema 11, this release's is ${SCHEMA_VERSION}) are rebuilt from the feeds`)
  t.alike(snapshot(b), before)
  await b.close()
  t.is(rebuildReason(home), null)
  b = await CairnNode.open(home)
  t.is(b.rebuilt, null, 'once')
  await b.close()
  setSchemaVersion(home, 11)
  const r = cairn(home, 'status')
  t.is(r.status, 0, r.stderr)
  t.ok(r.stderr.startsWith(`rebuilding the views from the feeds: this home's views.sqlite is of schema 11, this release's of ${SCHEMA_VERSION}`), r.stderr)
})

test('a home of an earlier release (views.log) is rebuilt from the feeds once, says so, and views.log goes', async (t) => {
  const { home, before } = await nodeWithAForgedEvent(t)
  const paths = homePaths(home)
  for (const suffix of ['', '-wal', '-shm']) rmSync(paths.views + suffix, { force: true })
  writeFileSync(paths.viewLog, Buffer.from('what the view log held'), { mode: 0o600 })
  let b = await CairnNode.open(home)
  t.is(b.rebuilt, 'the views of an earlier release (views.log) are rebuilt from the feeds into views.sqlite')
  t.alike(snapshot(b), before)
  t.is(existsSync(paths.viewLog), false, 'views.log is removed')
  await b.close()
  b = await CairnNode.open(home)
  t.teardown(() => b.close())
  t.is(b.rebuilt, null, 'once')
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
