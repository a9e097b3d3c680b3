import type { Args, Command } from '../command.js'
import { usageError, withNode } from '../command.js'
import type { unfollowSpec } from '../specs/node.js'

export const unfollow: Command = {
  async run (ctx, { values, positionals }: Args<typeof unfollowSpec>) {
    const key = positionals[0]?.toLowerCase()
    if ((key === undefined) === (values.announced !== true)) throw usageError('give a FEEDKEY or --announced')
    if (values.from !== undefined && values.announced !== true) throw usageError('--from goes with --announced')
    await withNode(ctx, async (node) => {
      if (key !== undefined) {
        ctx.io.out(await node.unfollow(key) ? `unfollowed ${key}` : `was not following ${key}; announcements of it are refused from now on`)
        return
      }
      const dropped = await node.forgetAnnounced(values.from)
      ctx.io.out(`forgot ${dropped.length} announced feed${dropped.length === 1 ? '' : 's'}${values.from === undefined ? '' : ` from ${values.from}`}`)
    })
  }
}
