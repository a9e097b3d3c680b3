import test from 'brittle'
import { request } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { createNode, syncOnce } from '../helpers/nodes.js'
import { serve } from './serve.js'

interface Sse { event: string, data: string, id?: string }

/** Open /api/stream and hand out its messages as they come. */
async function openStream (port: number, query = ''): Promise<{ next: (timeoutMs?: number) => Promise<Sse>, res: IncomingMessage, close: () => void }> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/api/stream${query}`, headers: { accept: 'text/event-stream' } }, resolve)
    req.on('error', reject)
    req.end()
  })
  const queue: Sse[] = []
  const waiting: Array<(m: Sse) => void> = []
  let buf = ''
  res.setEncoding('utf8')
  res.on('data', (chunk: string) => {
    buf += chunk
    let end
    while ((end = buf.indexOf('\n\n')) !== -1) {
      const block = buf.slice(0, end)
      buf = buf.slice(end + 2)
      const m: Sse = { event: 'message', data: '' }
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) m.event = line.slice(7)
        else if (line.startsWith('data: ')) m.data += line.slice(6)
        else if (line.startsWith('id: ')) m.id = line.slice(4)
      }
      if (m.data === '') continue // comments and retry hints
      const w = waiting.shift()
      if (w !== undefined) w(m)
      else queue.push(m)
    }
  })
  const next = async (timeoutMs = 10_000): Promise<Sse> => {
    const m = queue.shift()
    if (m !== undefined) return m
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no stream message in time')), timeoutMs)
      waiting.push((x) => { clearTimeout(timer); resolve(x) })
    })
  }
  return { next, res, close: () => res.destroy() }
}

test('GET /api/stream sends each newly indexed event: our own posts and events synced from a peer', async (t) => {
  const { node: a, home } = await createNode(t, 'a')
  const { node: b } = await createNode(t, 'b')
  const api = await serve(t, a, home)
  const stream = await openStream(api.server.port)
  t.teardown(stream.close, { order: -2 })
  t.is(stream.res.headers['content-type'], 'text/event-stream; charset=utf-8')
  const hello = await stream.next()
  t.is(hello.event, 'hello')
  t.is(JSON.parse(hello.data).identity, a.identityKey)

  const mine = await a.post('note', { text: 'posted here' })
  const first = await stream.next()
  t.is(first.event, 'event')
  t.is(first.id, mine.id, 'the SSE id is the EventId')
  t.alike(JSON.parse(first.data).body, { text: 'posted here' })

  const theirs = await b.post('note', { text: 'from the peer' })
  await a.follow(b.feedKey)
  t.ok(await syncOnce(b, a))
  const second = await stream.next()
  const e = JSON.parse(second.data) as { id: string, author: string, feed: string }
  t.is(e.id, theirs.id, 'the peer\'s event arrives as it is indexed')
  t.is(e.author, b.identityKey)
  t.is(e.feed, b.feedKey)
})

test('GET /api/stream?type= narrows the stream; closing the server ends open streams', async (t) => {
  const { node, home } = await createNode(t)
  const api = await serve(t, node, home)
  const stream = await openStream(api.server.port, '?type=trust.set')
  t.teardown(stream.close, { order: -2 })
  await stream.next() // hello
  await node.post('note', { text: 'not wanted' })
  const trust = await node.post('trust.set', { subject: 'ab'.repeat(32), roles: ['runner'] })
  t.is((await stream.next()).id, trust.id, 'only trust.set came through')
  t.is((await api.get('/api/stream?type=bogus')).status, 400)
  const ended = new Promise((resolve) => stream.res.once('close', resolve))
  const started = Date.now()
  await api.server.close()
  await ended
  t.ok(Date.now() - started < 2000, 'the server closed promptly with a stream open')
})
