import type { Command } from '../command.js'
import { parse, usageError, withNode } from '../command.js'

export const unfollow: Command = {
  name: 'unfollow',
  usage: 'unfollow FEEDKEY | unfollow --announced [--from PEER]',
  summary: 'stop carrying a feed; --announced forgets every feed only a peer announced (from PEER: its host)',
  async run (ctx, argv) {
    const { values, positionals } = parse(this, argv, { announced: { type: 'boolean' }, from: { type: 'string' } }, 1)
    const key = positionals[0]?.toLowerCase()
    if ((key === undefined) === (values.announced !== true)) throw usageError(this, 'give a FEEDKEY or --announced')
    if (values.from !== undefined && values.announced !== true) throw usageError(this, '--from goes with --announced')
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
