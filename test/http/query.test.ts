import test from 'brittle'
import { createNode } from '../helpers/nodes.js'
import { serve } from './serve.js'

test('every route refuses a query parameter it does not take, naming it and what it takes', async (t) => {
  const { node, home } = await createNode(t)
  const api = await serve(t, node, home)
  const note = await node.post('note', { text: 'x' })
  const cases: Array<[string, string, RegExp]> = [
    ['/api/status?verbose=1', 'verbose', /it takes none/],
    ['/api/feeds?kind=events', 'kind', /it takes none/],
    ['/api/trust?role=runner', 'role', /it takes none/],
    [`/api/events/${note.id}?full=1`, 'full', /it takes none/],
    ['/api/series?states=new', 'states', /it takes q, search, project, state, list, path, trailer, limit, cursor/],
    ['/api/events?types=note', 'types', /it takes .*type/],
    ['/api/rejections?limt=3', 'limt', /it takes limit/]
  ]
  for (const [path, param, takes] of cases) {
    const res = await api.get(path)
    const body = await res.json() as { error: string, message: string }
    t.is(res.status, 400, `${path}: 400`)
    t.is(body.error, 'BAD_QUERY')
    t.ok(body.message.includes(`unknown query parameter "${param}"`) && takes.test(body.message), body.message)
  }
  const write = await api.post('/api/notes?draft=1', { text: 'y' })
  t.is(write.status, 400, 'writes too')
  t.ok(((await write.json()) as { message: string }).message.includes('"draft"'))
  t.is(node.feed.core.length, 1, 'nothing appended')
  t.is((await api.get('/?utm_source=x')).status, 200, 'the UI page keeps what a browser adds')
  const limit = await (await api.get('/api/series?limit=abc&limit=2')).json() as { message: string }
  t.ok(limit.message.includes('limit'), `a bad value still names its parameter: ${limit.message}`)
})
