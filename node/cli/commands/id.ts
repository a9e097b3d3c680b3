import type { Command } from '../command.js'
import { parse, withNode } from '../command.js'

export const id: Command = {
  name: 'id',
  usage: 'id [--json]',
  summary: "this node's keys and counts",
  async run (ctx, argv) {
    const { values } = parse(this, argv, { json: { type: 'boolean' } })
    await withNode(ctx, async (node) => {
      const info = {
        identity: node.identityKey,
        feed: node.feedKey,
        blobs: node.blobsKey,
        name: node.name,
        feedLength: node.feed.core.length,
        events: node.views.events.size,
        follows: node.follows().length
      }
      if (values.json === true) ctx.io.out(JSON.stringify(info))
      else for (const [k, v] of Object.entries(info)) ctx.io.out(`${k.padEnd(10)} ${String(v)}`)
    })
  }
}
