import type { CairnNode } from '../node.js'
import type { LiveSession } from './peers.js'

/** What every route module gets: the node, the write token, the daemon's live sessions. */
export interface RouteContext {
  node: CairnNode
  token: string
  sessions: () => Iterable<LiveSession>
  log: (msg: string) => void
}
