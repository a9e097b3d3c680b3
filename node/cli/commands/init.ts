import { CairnNode } from '../../node.js'
import type { Args, Command } from '../command.js'
import { usageError } from '../command.js'
import type { initSpec } from '../specs/node.js'

export const init: Command = {
  async run (ctx, args: Args<typeof initSpec>) {
    const name = args.values.name ?? ''
    if (name.trim() === '') throw usageError('--name must not be empty')
    const node = await CairnNode.init(ctx.home, name)
    ctx.io.out(`identity ${node.identityKey}`)
    ctx.io.out(`feed     ${node.feedKey}`)
    ctx.io.out(`blobs    ${node.blobsKey}`)
    await node.close()
  }
}
