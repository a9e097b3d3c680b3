import test from 'brittle'
import type { TestInstance } from 'brittle'
import { chmodSync, closeSync, openSync, readFileSync, statSync, writeSync, fstatSync } from 'node:fs'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { FrameLog } from '../../node/storage/frame-log.js'
import { homePaths } from '../../node/storage/home.js'
import { encodeBlock } from '../../protocol/block.js'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { signEvent } from '../../protocol/event.js'
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

test('reindex while a pass is indexing waits for it, then rebuilds every event (no gap, in memory or in the log)', async (t) => {
  const { node: a } = await createNode(t, 'a')
  const home = await t.tmp()
  let b = await CairnNode.init(home, 'b')
  await a.postMany(Array.from({ length: 10_000 }, (_, i) => ({ type: 'note' as const, body: { text: `${i} ${'z'.repeat(900)}` } }))) // ~180 blocks: three frames
  await b.follow(a.feedKey)
  t.ok(await syncOnce(a, b))
  const before = snapshot(b)
  const first = b.reindex()
  while (b.views.events.size === 0) await new Promise((resolve) => setImmediate(resolve))
  t.ok(b.views.events.size < 10_000, `a pass is under way (${b.views.events.size} events in)`)
  const second = b.reindex()
  await Promise.all([first, second])
  t.alike(snapshot(b), before, 'every event indexed once')
  await b.close()
  b = await CairnNode.open(home)
  t.teardown(() => b.close())
  t.is(b.viewLogLoad.cut, null, 'the view log replays whole')
  t.alike(snapshot(b), before)
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

/** Rewrite a home's view log frame by frame (the header is frame 0). */
function rewriteViewLog (home: string, edit: (frames: Array<Record<string, unknown>>) => Array<Record<string, unknown>>): void {
  const path = homePaths(home).views
  const log = new FrameLog<Record<string, unknown>>(path)
  const frames = edit(log.read().frames.map((f) => f.frame))
  log.reset()
  for (const f of frames) log.append(f)
  log.close()
}

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
  t.is(b.views.rejected.length, 2, 'the forged event and the garbage block are rejected')
  const before = snapshot(b)
  await b.close()
  return { home, before }
}

test('the view log keeps no event bodies, and reopens to the same views without taking a rejected event back', async (t) => {
  const { home, before } = await nodeWithAForgedEvent(t)
  const log = readFileSync(homePaths(home).views)
  t.is(log.includes('first good'), false, 'no event body in the view log')
  t.ok(log.byteLength < 20_000, `the view log is small (${log.byteLength} bytes for 301 events)`)
  const b = await CairnNode.open(home)
  t.teardown(() => b.close())
  t.alike(snapshot(b), before, 'the same views, the forged event still rejected')
  t.is(b.log().some((e) => e.type === 'note' && e.body.text === 'forged text'), false)
  t.alike(b.viewLogLoad, { frames: b.viewLogLoad.frames, events: 301, cut: null })
})

test('a view log frame whose blocks are not the ones verified, or are gone, is cut there and indexed again', async (t) => {
  const { home, before } = await nodeWithAForgedEvent(t)
  rewriteViewLog(home, (frames) => frames.map((f, i) => i === 1 ? { ...f, digest: new Uint8Array(32) } : f))
  let b = await CairnNode.open(home)
  t.ok(/^view log frame 1: VIEW_LOG: blocks 0\.\.\d+ of feed [0-9a-f]{64} are not the ones verified; indexed again from the feed$/.test(b.viewLogLoad.cut ?? ''), b.viewLogLoad.cut ?? 'not cut')
  t.alike(snapshot(b), before, 'the same views after verifying again')
  await b.close()

  rewriteViewLog(home, (frames) => frames.map((f, i) => i === frames.length - 1 ? { ...f, length: (f.length as number) + 3 } : f))
  b = await CairnNode.open(home)
  t.ok(/VIEW_LOG: block \d+ of feed [0-9a-f]{64} is no longer stored/.test(b.viewLogLoad.cut ?? ''), b.viewLogLoad.cut ?? 'not cut')
  t.alike(snapshot(b), before)
  await b.close()

  rewriteViewLog(home, (frames) => [...frames.slice(0, 1), null as unknown as Record<string, unknown>, ...frames.slice(1)]) // a frame no version of cairn writes
  b = await CairnNode.open(home)
  t.teardown(() => b.close())
  t.ok(/^view log frame 1: unreadable \(TypeError/.test(b.viewLogLoad.cut ?? ''), b.viewLogLoad.cut ?? 'not cut')
  t.alike(snapshot(b), before, 'a frame that cannot be read is cut like one that does not match')
})

test('a view log of another version is dropped and the views rebuilt from the feeds', async (t) => {
  const { home, before } = await nodeWithAForgedEvent(t)
  rewriteViewLog(home, () => [{ feed: 'f'.repeat(64), length: 1, events: [], rejected: [] }]) // what cairn wrote before version 2
  const b = await CairnNode.open(home)
  t.teardown(() => b.close())
  t.ok(/another version/.test(b.viewLogLoad.cut ?? ''), b.viewLogLoad.cut ?? 'not cut')
  t.alike(snapshot(b), before)
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
