// An ingest in a child process, for the kill -9 test: prints one JSON line per
// stored batch, per phase and per append to its feed, so the parent can kill it at a chosen point.
// usage: ingest-child HOME mbox|public-inbox PATH BATCH_MAILS
import { BridgeState } from '../../bridges/email/ingest/bridge-state.js'
import { ingest } from '../../bridges/email/ingest/ingest.js'
import { publicInboxSource } from '../../bridges/email/ingest/public-inbox.js'
import { mboxSource } from '../../bridges/email/ingest/sources.js'
import { CairnNode } from '../../node/node.js'

const [home, kind, path, batch] = process.argv.slice(2) as [string, string, string, string]
const node = await CairnNode.open(home)
const state = new BridgeState(home)
const source = kind === 'mbox' ? mboxSource(path, { mboxrd: true }) : publicInboxSource(path, state.cursors)
const say = (o: unknown): void => { process.stdout.write(JSON.stringify(o) + '\n') }
node.feed.core.on('append', () => say({ appended: node.feed.core.length }))
const summary = await ingest(node, state, source, {
  batchMails: Number(batch),
  onBatch: (stored) => say({ stored }),
  onProgress: (p) => { if (p.phase !== 'read') say({ phase: p.phase }) }
})
say({ done: summary })
state.close()
await node.close()
