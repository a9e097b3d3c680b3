import type Hypercore from 'hypercore'
import { CairnError } from '../../protocol/errors.js'
import type { CairnNode } from '../node.js'
import type { Session } from './replication.js'
import { PEER_TIMEOUT_MS, seconds, within } from './sync.js'

/**
 * Bring the node's own feed back to the length it last recorded by fetching
 * the lost blocks from a peer. The blocks come with the feed's signed tree,
 * so hypercore verifies them against our own key: a peer cannot give us
 * anything we did not write. The session downloads the feed; this waits for
 * each block or length it brings, and gives up only when nothing arrives for
 * `timeoutMs` (PEER_TIMEOUT naming the peer) or the peer goes away.
 */
export async function recoverOwnFeed (node: CairnNode, session: Session, timeoutMs = PEER_TIMEOUT_MS): Promise<number> {
  const core = node.feed.core
  const target = node.feed.missingBlocks() + core.length
  await within(Promise.race([session.announced, session.closed]), timeoutMs, () => `peer ${session.peer} sent no announcement in ${seconds(timeoutMs)}`)
  const stalled = (): string => `peer ${session.peer} served nothing of our own feed for ${seconds(timeoutMs)}; we hold ${core.contiguousLength} of ${target} blocks`
  while (core.contiguousLength < target) {
    const change = nextChange(core, session, target)
    try {
      if (await within(change.promise, timeoutMs, stalled) === 'closed') break
    } finally {
      change.off()
    }
  }
  if (core.contiguousLength < target) {
    throw new CairnError('RECOVER_FAILED', `the peer gave us ${core.contiguousLength} of ${target} blocks of our own feed; try a peer that has all of it`)
  }
  await node.indexer.run()
  return core.length
}

/** The next block or length the core gets, or the session ending; asks the peer for the signed length meanwhile. */
function nextChange (core: Hypercore, session: Session, target: number): { promise: Promise<'moved' | 'closed'>, off: () => void } {
  let off = (): void => {}
  const promise = new Promise<'moved' | 'closed'>((resolve) => {
    const moved = (): void => resolve('moved')
    core.on('append', moved)
    core.on('download', moved)
    off = () => { core.off('append', moved); core.off('download', moved) }
    session.closed.then(() => resolve('closed'), () => resolve('closed'))
    if (core.length < target) core.update({ force: true, wait: true }).catch(() => {}) // learn the signed length; the blocks follow through the session's download of every carried core
  })
  return { promise, off }
}
