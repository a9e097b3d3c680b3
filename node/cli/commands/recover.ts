import { recoverOwnFeed } from '../../net/recover.js'
import { connect, parseHostPort } from '../../net/sync.js'
import type { Command } from '../command.js'
import { parse, usageError, withNode } from '../command.js'

export const recover: Command = {
  name: 'recover',
  usage: 'recover --connect HOST:PORT',
  summary: "fetch blocks of this node's own feed that a damaged store lost, from a peer that has them",
  async run (ctx, argv) {
    const { values } = parse(this, argv, { connect: { type: 'string' } })
    if (values.connect === undefined) throw usageError(this, '--connect is required')
    await withNode(ctx, async (node) => {
      const missing = node.feed.missingBlocks()
      if (missing === 0) {
        ctx.io.out(`own feed is whole (${node.feed.core.length} blocks); nothing to recover`)
        return
      }
      const session = await connect(node, parseHostPort(values.connect ?? '', '--connect'), (m) => ctx.io.err(`cairn: ${m}`))
      try {
        const length = await recoverOwnFeed(node, session)
        ctx.io.out(`recovered ${missing} block(s); own feed has ${length} blocks again`)
      } finally {
        session.destroy()
      }
    })
  }
}
