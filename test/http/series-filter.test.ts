import test from 'brittle'
import { createNode } from '../helpers/nodes.js'
import { serve } from './serve.js'

test('GET /api/series?q= matches one field at a time, case-insensitively, whatever the text holds', async (t) => {
  const { node, home } = await createNode(t)
  await node.post('series.revision', {
    project: 'linux',
    series: 'x-1',
    version: 1,
    subject: 'xfs: Fix the Log',
    total: 1,
    patches: [{ index: 1, subject: 'xfs: flush the CIL' }],
    source: { messageIds: ['<x-1@example.org>'], list: 'linux-xfs@vger.kernel.org' }
  })
  const api = await serve(t, node, home)
  const total = async (q: string): Promise<number> => (await api.json<{ total: number }>(`/api/series?q=${encodeURIComponent(q)}`)).total
  t.is(await total('fix the log'), 1, 'subject, any case')
  t.is(await total('FLUSH'), 1, 'a patch subject')
  t.is(await total('vger'), 1, 'the list')
  t.is(await total('log linux'), 0, 'not across the subject and the project')
  t.is(await total('log\u0000linux'), 0, 'not across them with a NUL either')
  t.is(await total('\u0000'), 0, 'a NUL alone matches no field')
})
