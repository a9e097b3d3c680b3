import test from 'brittle'
import { deriveOver } from '../../node/views/derive-over.js'
import { createNode } from '../helpers/nodes.js'

test('deriveOver: a value derived from some event types is kept until one of those types arrives', async (t) => {
  const { node } = await createNode(t)
  let computed = 0
  const reviews = (): number => deriveOver(node.views, ['review', 'note'], 'test/count', (v) => { computed++; return v.ofType('review').length + v.ofType('note').length })

  t.is(reviews(), 0)
  t.is(reviews(), 0)
  t.is(computed, 1, 'computed once while nothing arrives')

  await node.post('trust.set', { subject: 'ab'.repeat(32), roles: ['reviewer'] })
  t.is(reviews(), 0)
  t.is(computed, 1, 'an event of another type keeps it')

  await node.post('note', { text: 'first of its type' })
  t.is(reviews(), 1, 'the first event of a listed type renews it')
  await node.post('note', { text: 'one more' })
  t.is(reviews(), 2, 'so does every later one')
  t.is(computed, 3)

  await node.reindex()
  t.is(reviews(), 2, 'after a reindex: the same events, folded again')
  t.is(computed, 4, 'and computed again from the new fold')
})
