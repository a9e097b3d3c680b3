import type { Command } from '../command.js'
import { parse, usageError, withNodeToPost, withNodeToRead } from '../command.js'

export const id: Command = {
  name: 'id',
  usage: 'id [--json] | id publish [--name NAME] [--email EMAIL]...',
  summary: "this node's keys and counts; publish posts your profile (identity.link: feeds, name, emails)",
  async run (ctx, argv) {
    if (argv[0] === 'publish') {
      const { values } = parse(this, argv.slice(1), { name: { type: 'string' }, email: { type: 'string', multiple: true } })
      const emails = values.email ?? []
      const bad = emails.filter((e) => !/^[^\s@<>]+@[^\s@<>]+$/.test(e))
      if (bad.length > 0) throw usageError(this, `not an email address: ${bad.join(', ')}`)
      await withNodeToPost(ctx, async (node, post) => {
        const id = await post('identity.link', {
          feed: node.feedKey,
          blobs: node.blobsKey,
          name: values.name ?? node.name,
          ...(emails.length > 0 ? { emails } : {})
        })
        ctx.io.out(id)
      })
      return
    }
    const { values } = parse(this, argv, { json: { type: 'boolean' } })
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
      if (values.json === true) ctx.io.out(JSON.stringify(info))
      else for (const [k, v] of Object.entries(info)) ctx.io.out(`${k.padEnd(10)} ${String(v)}`)
    })
  }
}
