// A node in a child process that indexes (a rebuild of its views, then its
// own new posts) and kills itself with SIGKILL at one point of one frame's
// transaction, for test/node/views-crash.test.ts. It prints each
// acknowledged batch of posts as a JSON line, like append-child.ts.
// usage: ingest-child HOME POINT FRAME
//   POINT: rows (event rows written, checkpoint not), checkpoint (all
//   written, not committed), committed (committed, subscribers not told),
//   between (after the frame, before the next), posting (the rows of the
//   first frame that indexes new posts)
import { CairnNode } from '../../node/node.js'
import { FeedRegistry } from '../../node/views/db/registry.js'
import { TypeCounts } from '../../node/views/db/type-counts.js'
import { ViewsWriter } from '../../node/views/db/writer.js'

const [home, point, at] = process.argv.slice(2) as [string, string, string]
const frame = Number(at)
let frames = 0
let armed = point !== 'posting'
const die = (): never => { process.kill(process.pid, 'SIGKILL'); throw new Error('unreachable') }

const save = FeedRegistry.prototype.save
FeedRegistry.prototype.save = function (this: FeedRegistry, row) {
  frames++
  if (armed && frames === frame && (point === 'rows' || point === 'posting')) die()
  save.call(this, row)
}
const record = TypeCounts.prototype.record
TypeCounts.prototype.record = function (this: TypeCounts, types) {
  record.call(this, types)
  if (armed && frames === frame && point === 'checkpoint') die()
}
const commit = ViewsWriter.prototype.commit
ViewsWriter.prototype.commit = function (this: ViewsWriter, f) {
  const accepted = commit.call(this, f)
  if (armed && frames === frame && point === 'committed') die()
  return accepted
}

const node = await CairnNode.open(home, { onProgress: () => { if (armed && frames === frame && point === 'between') die() } })
process.stdout.write(JSON.stringify({ opened: node.views.count }) + '\n')
if (point === 'posting') {
  armed = true
  frames = 0
}
for (let b = 0; b < 4; b++) {
  const events = await node.postMany(Array.from({ length: 3 }, (_, i) => ({ type: 'note' as const, body: { text: `after ${b}.${i}` } })))
  process.stdout.write(JSON.stringify({ acked: node.feed.core.length, ids: events.map((e) => e.id) }) + '\n')
  await node.indexer.run()
}
process.stdout.write(JSON.stringify({ done: true }) + '\n')
await node.close()
