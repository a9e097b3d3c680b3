import test from 'brittle'
import { connect, listen, untilCaughtUp } from '../../node/net/sync.js'
import { createNode } from '../helpers/nodes.js'

test('a peer that disconnects mid-sync resumes where it stopped', { timeout: 60_000 }, async (t) => {
  const { node: a } = await createNode(t, 'a')
  const { node: b } = await createNode(t, 'b')
  const drafts = Array.from({ length: 20_000 }, (_, i) => ({ type: 'note' as const, body: { text: `${i} ${'y'.repeat(900)}` } }))
  // Posted 50 at a time, a block each: hundreds of blocks, so the cut below lands with most of them still to come.
  for (let i = 0; i < drafts.length; i += 50) await a.postMany(drafts.slice(i, i + 50))
  await a.indexer.run()
  const total = a.feed.core.length
  await b.follow(a.feedKey)
  const { server, sessions } = await listen(a, { host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    for (const s of sessions) s.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  const port = (server.address() as { port: number }).port

  const first = await connect(b, { host: '127.0.0.1', port })
  await first.announced
  const core = b.coreFor(a.feedKey)
  // Drop the link synchronously as the 50th block lands, so the cut is always mid-sync.
  let downloaded = 0
  await new Promise<void>((resolve) => core.on('download', () => {
    if (++downloaded !== 50) return
    first.destroy()
    for (const s of sessions) s.destroy()
    resolve()
  }))
  await first.closed
  await b.indexer.run()
  const partial = b.log({ type: 'note' }).length
  t.ok(core.contiguousLength > 0 && core.contiguousLength < total, `cut off after ${core.contiguousLength} of ${total} blocks (${partial} events indexed)`)

  const second = await connect(b, { host: '127.0.0.1', port })
  t.ok(await untilCaughtUp(second, 60_000), 'second session catches up')
  second.destroy()
  t.is(b.log({ type: 'note' }).length, 20_000, 'every event indexed exactly once')
  t.is(b.views.duplicates, 0)
})
