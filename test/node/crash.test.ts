import test from 'brittle'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import { killed, nextJson, spawnHelper } from '../helpers/child.js'

test('kill -9 in the middle of a batch of appends loses nothing acknowledged and leaves a store that opens', async (t) => {
  const home = join(await t.tmp(), 'a')
  await (await CairnNode.init(home, 'a')).close()
  const { child, lines } = spawnHelper('append-child', [home, '100000', '50'])
  t.teardown(() => killed(child))
  const acked: string[] = []
  let length = 0
  while (acked.length < 2000) {
    const m = await nextJson(lines)
    acked.push(...m.ids as string[])
    length = m.acked as number
  }
  await killed(child, 'SIGKILL') // mid-stream: more batches were on their way
  const node = await CairnNode.open(home)
  t.teardown(() => node.close())
  t.ok(node.feed.core.length >= length, `feed has ${node.feed.core.length} blocks, ${length} acknowledged`)
  t.is(node.feed.missingBlocks(), 0, 'the node sees no damage')
  const have = new Set(node.log({ type: 'note' }).map((e) => e.id))
  t.is(acked.filter((id) => !have.has(id)).length, 0, `all ${acked.length} acknowledged events are there`)
  await node.post('note', { text: 'appending after the crash works' })
})
