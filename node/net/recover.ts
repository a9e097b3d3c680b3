import { CairnError } from '../../protocol/errors.js'
import type { CairnNode } from '../node.js'
import type { Session } from './replication.js'

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
  await Promise.race([session.announced, session.closed])
  while (core.length < target || core.contiguousLength < target) {
    if (Date.now() > deadline) break
    await core.update({ force: true, wait: true })
    if (core.length > 0) await core.download({ start: 0, end: core.length }).done()
    if (core.length < target) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  if (core.contiguousLength < target) {
    throw new CairnError('RECOVER_FAILED', `the peer gave us ${core.contiguousLength} of ${target} blocks of our own feed; try a peer that has all of it`)
  }
  await node.indexer.run()
  return core.length
}
