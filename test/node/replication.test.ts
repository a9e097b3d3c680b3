import test from 'brittle'
import { createNode, syncOnce } from '../helpers/nodes.js'

test('sync over TCP: B follows A and gets its notes; C gets them through B', async (t) => {
  const { node: a } = await createNode(t, 'a')
  const { node: b } = await createNode(t, 'b')
  const { node: c } = await createNode(t, 'c')
  const posted = []
  for (const text of ['one', 'two', 'three']) posted.push(await a.post('note', { text }))
  await b.follow(a.feedKey)
  t.ok(await syncOnce(a, b), 'b caught up with a')
  const onB = b.log({ type: 'note', author: a.identityKey })
  t.alike(onB.map((e) => e.id), posted.map((e) => e.id))
  t.ok(await syncOnce(b, c), 'c caught up with b')
  const onC = c.log({ type: 'note', author: a.identityKey })
  t.alike(onC.map((e) => e.body), [{ text: 'one' }, { text: 'two' }, { text: 'three' }])
  t.is(c.follows().find((f) => f.key === a.feedKey)?.hops, 1, 'C learned of A through one relay (B followed A by choice: 0)')
})
