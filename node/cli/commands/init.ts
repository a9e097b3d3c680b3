import { CairnNode } from '../../node.js'
import type { Command } from '../command.js'
import { parse, usageError } from '../command.js'

export const init: Command = {
  name: 'init',
  usage: 'init --name NAME',
  summary: 'create this home: identity key (mode 0600), own events and blobs feeds',
  async run (ctx, argv) {
    const { values } = parse(this, argv, { name: { type: 'string' } })
    if (values.name === undefined || values.name.trim() === '') throw usageError(this, '--name is required')
    const node = await CairnNode.init(ctx.home, values.name)
    ctx.io.out(`identity ${node.identityKey}`)
    ctx.io.out(`feed     ${node.feedKey}`)
    ctx.io.out(`blobs    ${node.blobsKey}`)
    await node.close()
  }
}
