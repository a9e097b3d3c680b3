import { recoverOwnFeed } from '../../net/recover.js'
import { connect, parseHostPort } from '../../net/sync.js'
import type { Args, Command } from '../command.js'
import { withNode } from '../command.js'
import type { recoverSpec } from '../specs/node.js'

export const recover: Command = {
  async run (ctx, { values }: Args<typeof recoverSpec>) {
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
