// A node in a child process for crash tests: appends batches of notes and
// prints each acknowledged batch as a JSON line, so the parent can kill -9 it
// at any moment and check that nothing acknowledged was lost.
// usage: append-child HOME BATCHES BATCH_SIZE [--listen] [--hold]
import { CairnNode } from '../../node/node.js'
import { listen } from '../../node/net/sync.js'

const [home, batches, size, ...flags] = process.argv.slice(2)
const node = await CairnNode.open(home as string)
if (flags.includes('--listen')) {
  const { address } = await listen(node, { host: '127.0.0.1', port: 0 })
  process.stdout.write(JSON.stringify({ listening: address.port, feed: node.feedKey }) + '\n')
}
for (let b = 0; b < Number(batches); b++) {
  const drafts = Array.from({ length: Number(size) }, (_, i) => ({ type: 'note' as const, body: { text: `batch ${b} note ${i} ${'x'.repeat(200)}` } }))
  const events = await node.postMany(drafts)
  process.stdout.write(JSON.stringify({ acked: node.feed.core.length, ids: events.map((e) => e.id) }) + '\n')
}
process.stdout.write(JSON.stringify({ done: true }) + '\n')
if (flags.includes('--hold')) await new Promise(() => {}) // wait to be killed
await node.close()
