import type { Args, Command } from '../command.js'
import { usageError, withNodeToPost, withNodeToRead } from '../command.js'
import type { idPublishSpec, idSpec } from '../specs/node.js'

export const id: Command = {
  async run (ctx, args: Args<typeof idSpec>) {
    await withNodeToRead(ctx, async (node) => {
      const info = {
        identity: node.identityKey,
        feed: node.feedKey,
        blobs: node.blobsKey,
        name: node.name,
        feedLength: node.feed.core.length,
        events: node.views.events.size,
        follows: node.follows().length
      }
      if (args.values.json === true) ctx.io.out(JSON.stringify(info))
      else for (const [k, v] of Object.entries(info)) ctx.io.out(`${k.padEnd(10)} ${String(v)}`)
    })
  },
  subcommands: {
    async publish (ctx, { values }: Args<typeof idPublishSpec>) {
      const emails = values.email ?? []
      const bad = emails.filter((e) => !/^[^\s@<>]+@[^\s@<>]+$/.test(e))
      if (bad.length > 0) throw usageError(`not an email address: ${bad.join(', ')}`)
      await withNodeToPost(ctx, async (node, post) => {
        const id = await post('identity.link', {
          feed: node.feedKey,
          blobs: node.blobsKey,
          name: values.name ?? node.name,
          ...(emails.length > 0 ? { emails } : {})
        })
        ctx.io.out(id)
      })
    }
  }
}
