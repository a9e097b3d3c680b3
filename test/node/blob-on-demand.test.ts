// Blobs on demand (cairn start --blob-cache-mb): a node replicates other
// nodes' events but fetches their blobs only when read, over the live
// replication streams, keeps at most the cache's bytes of them (least recently
// read evicted first, its own never), and says BLOB_UNREACHABLE when no
// connected peer serves a blob it does not hold (issue 17).
import test from 'brittle'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { CairnNode } from '../../node/node.js'
import { connect, listen, untilCaughtUp } from '../../node/net/sync.js'
import type { BlobRef } from '../../protocol/schemas.js'
import type { Announced } from '../../node/net/follow-policy.js'
import { cairn, cairnChild } from '../helpers/cli.js'
import { fakePeer } from '../helpers/fake-peer.js'
import { createNode } from '../helpers/nodes.js'
import { until } from '../runners/fixture.js'

const KB = 1024

/** Replicate `a` and `b` live until the returned function is called (or the test ends). */
async function live (t: { teardown: (fn: () => Promise<void>, opts: { order: number }) => void }, a: CairnNode, b: CairnNode): Promise<{ caughtUp: () => Promise<boolean>, stop: () => Promise<void> }> {
  const { server, sessions } = await listen(a, { host: '127.0.0.1', port: 0 })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  const session = await connect(b, { host: '127.0.0.1', port: address.port })
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    session.destroy()
    for (const s of sessions) s.destroy()
    await new Promise((resolve) => server.close(resolve))
  }
  t.teardown(stop, { order: -1 })
  return { caughtUp: async () => await untilCaughtUp(session, 30_000), stop }
}

const blocks = (ref: BlobRef): [number, number] => [ref.offset, ref.offset + Math.max(1, Math.ceil(ref.length / (64 * KB)))]

test('blobs on demand: fetched when read, not replicated; an LRU within the cache limit keeps own blobs; BLOB_UNREACHABLE when no connected peer serves one', async (t) => {
  const { node: owner } = await createNode(t, 'owner')
  const { node: lab } = await createNode(t, 'lab')
  const { node: relay } = await createNode(t, 'relay')
  const data = [randomBytes(100 * KB), randomBytes(100 * KB), randomBytes(100 * KB)]
  const refs: BlobRef[] = []
  for (const d of data) refs.push(await owner.blobs.put(d))
  await owner.post('note', { text: 'three logs' })
  lab.blobs.fetchOnDemand({ cacheBytes: 250 * KB, fetchMs: 2000 })
  relay.blobs.fetchOnDemand({ cacheBytes: 250 * KB, fetchMs: 2000 })
  const mine = await lab.blobs.put(randomBytes(300 * KB))
  t.is(lab.blobs.cached, 0, 'nothing fetched yet')

  await lab.follow(owner.feedKey)
  const withOwner = await live(t, owner, lab)
  t.ok(await withOwner.caughtUp(), 'caught up without holding the owner\'s blobs core whole')
  const copy = lab.coreFor(owner.blobsKey)
  t.is(lab.views.query({ type: 'note' }).length, 1, 'the owner\'s events are here')
  t.is(copy.contiguousLength, 0, 'its blobs are not: nothing was read yet')

  const has = async (ref: BlobRef): Promise<boolean> => await copy.has(...blocks(ref))
  t.alike(await lab.blobs.get(refs[0] as BlobRef), data[0], 'a read fetches the blob from the connected owner')
  t.alike(await lab.blobs.get(refs[1] as BlobRef), data[1])
  t.is(lab.blobs.cached, 200 * KB)
  t.alike(await lab.blobs.get(refs[2] as BlobRef), data[2])
  t.alike(await Promise.all(refs.map(has)), [false, true, true], 'past 250 KB the least recently read went')
  t.is(lab.blobs.cached, 200 * KB)
  await lab.blobs.get(refs[1] as BlobRef) // read again: now the most recent
  t.alike(await lab.blobs.get(refs[0] as BlobRef), data[0], 'an evicted blob is fetched again when read')
  t.alike(await Promise.all(refs.map(has)), [true, true, false], 'and the least recently read (not the oldest fetched) made room')
  t.is((await lab.blobs.get(mine)).byteLength, 300 * KB, 'the node\'s own blob stays, though alone larger than the cache')

  // The relay carries the owner's feeds, fetching on demand too: it holds none of the blobs.
  await relay.follow(owner.feedKey)
  const relayed = await live(t, owner, relay)
  t.ok(await relayed.caughtUp())
  await relayed.stop()
  await withOwner.stop()
  await until('the lab to see the owner gone', () => copy.peers.length === 0)
  await t.exception(async () => await lab.blobs.get(refs[2] as BlobRef), /BLOB_UNREACHABLE: blob [0-9a-f]{64} of core [0-9a-f]{64} is not here and no connected peer carries its core/, 'the owner is gone and nobody else is connected')
  t.alike(await lab.blobs.get(refs[0] as BlobRef), data[0], 'a cached blob still reads offline')

  const withRelay = await live(t, relay, lab)
  t.ok(await withRelay.caughtUp())
  await until('the relay to be a peer on the owner\'s blobs core', () => copy.peers.length > 0)
  await t.exception(async () => await lab.blobs.get(refs[2] as BlobRef), /BLOB_UNREACHABLE: .* no connected peer served it within 2 s/, 'a peer carries the core but not the blob: unreachable after the wait, not a hang')
})

test('a node that follows by interest fetches blobs on demand by default: the daemon adopts a peer\'s feeds in scope and reads a diff without replicating its blobs core; --blob-cache-mb whole carries it whole', async (t) => {
  const { node: bridge } = await createNode(t, 'bridge')
  const diff = Buffer.from('diff --git a/fs/xfs/x.c b/fs/xfs/x.c\n'.repeat(2000))
  const ref = await bridge.blobs.put(diff)
  await bridge.blobs.put(randomBytes(200 * KB)) // more of its blobs core that nobody reads
  await bridge.post('series.revision', { project: 'xfs', series: 'xfs-fix', version: 1, subject: '[PATCH] xfs: fix', total: 1, patches: [{ index: 1, subject: 'xfs: fix', diff: ref }], source: { messageIds: ['<xfs@example.org>'] } })
  const lab = async (...args: string[]): Promise<{ api: string, held: () => Promise<{ contiguous: number, length: number }> }> => {
    const home = join(await t.tmp(), 'lab')
    t.is(cairn(home, 'init', '--name', 'lab').status, 0)
    t.is(cairn(home, 'follow', '--project', 'xfs').status, 0)
    const daemon = cairnChild(t, home, 'start', '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', ...args)
    const port = Number((await daemon.waitFor(/^sync\s+listening on 127\.0\.0\.1:(\d+)$/))[1])
    const api = (await daemon.waitFor(/^http\s+(\S+)/))[1] ?? ''
    const session = await connect(bridge, { host: '127.0.0.1', port })
    t.teardown(() => session.destroy(), { order: -2 })
    t.ok(await untilCaughtUp(session, 30_000), 'the lab caught up with the bridge')
    const held = async (): Promise<{ contiguous: number, length: number }> => {
      const status = await (await fetch(new URL('/api/feeds', api))).json() as { feeds: Array<{ key: string, contiguous: number, length: number }> }
      return status.feeds.find((f) => f.key === bridge.blobsKey) ?? { contiguous: -1, length: -1 }
    }
    return { api, held }
  }
  const onDemand = await lab()
  t.is((await onDemand.held()).contiguous, 0, 'the bridge\'s blobs core was adopted but not replicated')
  const read = await fetch(new URL(`/api/blobs/${ref.hash}`, onDemand.api))
  t.is(read.status, 200)
  t.alike(Buffer.from(await read.arrayBuffer()), diff, 'the diff is fetched when the API reads it')

  const whole = await lab('--blob-cache-mb', 'whole')
  const length = bridge.carried().find((f) => f.key === bridge.blobsKey)?.core.length ?? 0
  while ((await whole.held()).contiguous < length) await new Promise((resolve) => setTimeout(resolve, 50)) // re-read the status until the blocks are in
  t.pass('--blob-cache-mb whole: the blobs core is replicated whole, as for a node of no interest')
})

test('an older peer, which skips onDemand, is not left waiting: a blobs core fetched on demand is announced to it as held as far as it holds it, and nothing is fetched for that', async (t) => {
  const { node: owner } = await createNode(t, 'owner')
  const { node: lab } = await createNode(t, 'lab')
  await owner.blobs.put(randomBytes(300 * KB))
  await owner.post('note', { text: 'a log' })
  lab.blobs.fetchOnDemand({ cacheBytes: 100 * KB })
  const length = (key: string): number => owner.carried().find((f) => f.key === key)?.core.length ?? -1
  // A release before on-demand blobs: it serves the owner's cores and is caught up once the lab says it holds what it announced.
  const older = fakePeer(t, lab, owner)
  older.announce([{ key: owner.feedKey, kind: 'events', length: length(owner.feedKey), hops: 0 }, { key: owner.blobsKey, kind: 'blobs', length: length(owner.blobsKey), hops: 0 }])
  const said = (key: string): Announced | undefined => older.pages.flatMap((p) => p.feeds).reverse().find((f) => f.key === key)
  // The lab re-announces once it holds the owner's events: the page an older peer's caught-up reads.
  while ((said(owner.feedKey)?.length ?? 0) < length(owner.feedKey)) await older.received(older.pages.length + 1)
  const blobs = said(owner.blobsKey)
  t.is(blobs?.onDemand, true)
  t.is(blobs?.length, length(owner.blobsKey), 'announced as held as far as the older peer holds it: its caught-up (ours >= its length) holds')
  t.is(lab.coreFor(owner.blobsKey).contiguousLength, 0, 'and nothing of it was fetched')
})

test('cairn start --blob-cache-mb takes a size in MB above 0', async (t) => {
  const home = join(await t.tmp(), 'h')
  for (const bad of ['lots', '0', '-5']) {
    const r = cairn(home, 'start', '--blob-cache-mb', bad, '--http', 'off')
    t.is(r.status, 2, `--blob-cache-mb ${bad}: a usage error`)
    t.ok(r.stderr.includes(`--blob-cache-mb ${bad}: give the cache size in MB, a number above 0, or whole`), r.stderr.trim())
  }
  t.absent(existsSync(home), 'refused before the home was made')
})
