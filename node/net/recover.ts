import { CairnError } from '../../protocol/errors.js'
import type { CairnNode } from '../node.js'
import type { Session } from './replication.js'
import { seconds, within } from './sync.js'

/**
 * Bring the node's own feed back to the length it last recorded by fetching
 * the lost blocks from a peer. The blocks come with the feed's signed tree,
 * so hypercore verifies them against our own key: a peer cannot give us
 * anything we did not write.
 */
export async function recoverOwnFeed (node: CairnNode, session: Session, timeoutMs = 60_000): Promise<number> {
  const core = node.feed.core
  const target = node.feed.missingBlocks() + core.length
  const deadline = Date.now() + timeoutMs
  await within(Promise.race([session.announced, session.closed]), timeoutMs, () => `peer ${session.peer} sent no announcement in ${seconds(timeoutMs)}`)
  while (core.length < target || core.contiguousLength < target) {
    if (Date.now() > deadline) break
    const stalled = (): string => `peer ${session.peer} did not serve our own feed within ${seconds(timeoutMs)}`
    await within(core.update({ force: true, wait: true }), Math.max(1, deadline - Date.now()), stalled)
    if (core.length > 0) await within(core.download({ start: 0, end: core.length }).done(), Math.max(1, deadline - Date.now()), stalled)
    if (core.length < target) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  if (core.contiguousLength < target) {
    throw new CairnError('RECOVER_FAILED', `the peer gave us ${core.contiguousLength} of ${target} blocks of our own feed; try a peer that has all of it`)
  }
  await node.indexer.run()
  return core.length
}
