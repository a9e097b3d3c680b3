import test from 'brittle'
import { createNode } from '../helpers/nodes.js'
import { serve } from './serve.js'

test('every API answer says how long the server took (Server-Timing), errors too', async (t) => {
  const { node, home } = await createNode(t)
  await node.post('note', { text: 'hello' })
  const api = await serve(t, node, home)
  for (const [path, status] of [['/api/events', 200], ['/api/series', 200], ['/api/nothing-here', 404]] as const) {
    const res = await api.get(path)
    t.is(res.status, status, path)
    t.ok(/^app;dur=\d+\.\d\d$/.test(res.headers.get('server-timing') ?? ''), `${path}: ${res.headers.get('server-timing') ?? 'no Server-Timing'}`)
    await res.arrayBuffer()
  }
})
