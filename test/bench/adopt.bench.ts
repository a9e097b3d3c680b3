// Adopting a peer's announced feeds (issue 13): a node syncs over loopback
// TCP with a peer carrying N feeds, either empty (what a flood announces) or
// of one block each (what an honest lab serves), and we time it until it is
// caught up. Reference in the same run: a raw Corestore replicating with the
// same peer store, store.get + ready for the same keys (and, with blocks,
// fetching block 0). Prints figures; asserts nothing.
import Corestore from 'corestore'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { connect, listen, untilCaughtUp } from '../../node/net/sync.js'

const SIZES = (process.env.CAIRN_BENCH_FEEDS ?? '1000,5000').split(',').map(Number)
const LIMITS = { announceLimits: { perPeer: 100_000, total: 100_000 } }
const mb = (bytes: number): string => `${Math.round(bytes / 1e6)} MB`

/** A home carrying n feeds of its own store (one block each, or none) as followed feeds. */
async function peerHome (dir: string, n: number, blocks: boolean): Promise<string[]> {
  const node = await CairnNode.init(dir, 'peer')
  const cores = Array.from({ length: n }, (_, i) => node.store.get({ name: `feed-${i}` }))
  await Promise.all(cores.map(async (core) => { await core.ready(); if (blocks) await core.append(Buffer.from('block')) }))
  const keys = cores.map((core) => core.key.toString('hex'))
  await node.close()
  const path = join(dir, 'state.json')
  const state = JSON.parse(readFileSync(path, 'utf8')) as { follows: Record<string, unknown> }
  for (const key of keys) state.follows[key] = { kind: 'blobs', hops: 0, via: 'followed' }
  writeFileSync(path, JSON.stringify(state))
  return keys
}

async function cairnAdopts (peer: CairnNode, dir: string): Promise<{ ms: number, cpuMs: number, rss: number, adopted: number }> {
  const { server, sessions } = await listen(peer, { host: '127.0.0.1', port: 0 })
  const node = await CairnNode.init(dir, 'adopter', LIMITS)
  const rss0 = process.memoryUsage().rss
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  const session = await connect(node, { host: '127.0.0.1', port: address.port })
  await untilCaughtUp(session, 600_000)
  const ms = performance.now() - t0
  const c = process.cpuUsage(c0)
  const out = { ms, cpuMs: (c.user + c.system) / 1000, rss: process.memoryUsage().rss - rss0, adopted: node.follows().length }
  session.destroy()
  for (const s of sessions) s.destroy()
  await new Promise((resolve) => server.close(resolve))
  await node.close()
  return out
}

async function rawOpens (peer: CairnNode, dir: string, keys: string[], blocks: boolean): Promise<number> {
  const store = new Corestore(dir)
  const a = peer.store.replicate(true)
  const b = store.replicate(false)
  a.pipe(b).pipe(a)
  const t0 = performance.now()
  await Promise.all(keys.map(async (key) => {
    const core = store.get({ key: Buffer.from(key, 'hex') })
    await core.ready()
    if (blocks) await core.get(0)
  }))
  const ms = performance.now() - t0
  a.destroy()
  b.destroy()
  await store.close()
  return ms
}

export async function run (): Promise<void> {
  for (const n of SIZES) {
    for (const blocks of [false, true]) {
      const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-adopt-'))
      try {
        const keys = await peerHome(join(dir, 'peer'), n, blocks)
        const peer = await CairnNode.open(join(dir, 'peer'))
        const cairn = await cairnAdopts(peer, join(dir, 'node'))
        const raw = await rawOpens(peer, join(dir, 'raw'), keys, blocks)
        await peer.close()
        const what = blocks ? 'of one block each' : 'empty'
        console.log(`${n.toLocaleString('en-US')} feeds ${what}: cairn adopts ${cairn.adopted} in ${Math.round(cairn.ms)} ms (${(cairn.ms / n).toFixed(2)} ms/feed, CPU ${(cairn.cpuMs / n).toFixed(2)} ms/feed, RSS +${mb(cairn.rss)}); raw store.get+ready${blocks ? '+get(0)' : ''}: ${Math.round(raw)} ms (${(raw / n).toFixed(2)} ms/feed); ${(cairn.ms / raw).toFixed(1)}x`)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
