// A node process for the rates bench (rates.bench.ts). It loads the node
// from the build named by its first argument (this tree's dist, or an
// earlier release's, so two releases are measured by the same code), then:
//   serve HOME N       fill HOME with N ~1 KB notes if it is empty, listen
//                      on loopback, print `listening PORT KEY`, run until killed
//   sync HOME PORT KEY N  follow KEY, sync from PORT until N events are
//                      indexed, then reindex, then reindex checking every
//                      signature (verifyAll); print the timings as JSON
//   reindex HOME       open HOME (indexing what it holds), then reindex; JSON
// CPU is this process's user + system time over all its threads, and apart
// on its main thread.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

interface Node {
  feedKey: string
  views: { count?: number, events?: { size: number } }
  postMany: (drafts: unknown[]) => Promise<unknown>
  indexer: { run: () => Promise<void> }
  warmCrypto: () => Promise<void>
  follow: (key: string) => Promise<boolean>
  reindex: (opts?: { verifyAll?: boolean }) => Promise<void>
  close: () => Promise<void>
}
interface NodeModule { CairnNode: { init: (dir: string, name: string, opts?: object) => Promise<Node>, open: (dir: string) => Promise<Node> } }
interface SyncModule {
  listen: (node: Node, at: { host: string, port: number }) => Promise<{ address: { port: number } }>
  connect: (node: Node, to: { host: string, port: number }) => Promise<{ destroy: () => void }>
  untilCaughtUp: (session: unknown, timeoutMs?: number) => Promise<boolean>
}

const BODY = 'x'.repeat(880) // with the envelope and signature: about 1 KB per event, as node.bench

const [dist = '', mode = '', home = '', ...rest] = process.argv.slice(2)
const { CairnNode } = await import(pathToFileURL(join(dist, 'node/node.js')).href) as NodeModule
const net = await import(pathToFileURL(join(dist, 'node/net/sync.js')).href) as SyncModule

/** Events in the views, by either release's API. */
const count = (node: Node): number => node.views.count ?? node.views.events?.size ?? 0

/** The main thread's CPU ms so far (/proc, clock ticks of 10 ms): the views are written there, events verified on the crypto threads. */
function mainCpuMs (): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** Wall and CPU ms of fn, CPU over all threads and on the main thread. */
async function timed (fn: () => Promise<unknown>): Promise<{ wallMs: number, cpuMs: number, mainMs: number }> {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const m0 = mainCpuMs()
  await fn()
  const c = process.cpuUsage(c0)
  return { wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, mainMs: mainCpuMs() - m0 }
}

if (mode === 'serve') {
  const events = Number(rest[0])
  const node = await CairnNode.init(home, 'a')
  for (let i = count(node); i < events; i += 1000) {
    await node.postMany(Array.from({ length: Math.min(1000, events - i) }, (_, j) => ({ type: 'note', body: { text: `${i + j} ${BODY}` } })))
  }
  await node.indexer.run()
  const { address } = await net.listen(node, { host: '127.0.0.1', port: 0 })
  console.log(`listening ${address.port} ${node.feedKey}`)
} else if (mode === 'sync') {
  const [port, key, events] = [Number(rest[0]), rest[1] ?? '', Number(rest[2])]
  const node = await CairnNode.init(home, 'b')
  await node.warmCrypto() // as `cairn start` does: not in the rates
  await node.follow(key)
  const sync = await timed(async () => {
    const session = await net.connect(node, { host: '127.0.0.1', port })
    const ok = await net.untilCaughtUp(session)
    session.destroy()
    await node.indexer.run()
    if (!ok || count(node) !== events) throw new Error(`sync incomplete: ${count(node)} of ${events} events`)
  })
  const reindex = await timed(async () => await node.reindex())
  if (count(node) !== events) throw new Error(`reindex gave ${count(node)} of ${events} events`)
  // An earlier release without the option checks every signature in both.
  const reindexAll = await timed(async () => await node.reindex({ verifyAll: true }))
  if (count(node) !== events) throw new Error(`reindex --verify-all gave ${count(node)} of ${events} events`)
  await node.close()
  console.log(JSON.stringify({ sync, reindex, reindexAll }))
} else if (mode === 'reindex') {
  const node = await CairnNode.open(home)
  await node.warmCrypto()
  await node.indexer.run()
  const events = count(node)
  const reindex = await timed(async () => await node.reindex())
  if (count(node) !== events) throw new Error(`reindex gave ${count(node)} of ${events} events`)
  await node.close()
  console.log(JSON.stringify({ reindex, events }))
} else {
  throw new Error(`usage: rates-child.js DIST serve|sync|reindex HOME ...; got ${mode}`)
}
