import { EVENT_TYPES } from '../../../protocol/schemas.js'
import { fromHex } from '../../../protocol/hex.js'
import type { Args, Command } from '../command.js'
import { usageError, withNodeToRead } from '../command.js'
import { eventJson } from '../../wire/events.js'
import { eventLine } from '../event-line.js'
import { printRows } from '../output.js'
import type { logSpec } from '../specs/node.js'

export const log: Command = {
  async run (ctx, { values }: Args<typeof logSpec>) {
    if (values.type !== undefined && !(EVENT_TYPES as string[]).includes(values.type)) throw usageError(`--type "${values.type}" is not one of ${EVENT_TYPES.join(', ')}`)
    if (values.author !== undefined && fromHex(values.author, 32) === null) throw usageError(`--author "${values.author}" is not an identity key (64 hex characters)`)
    await withNodeToRead(ctx, async (node) => {
      const events = node.log({
        ...(values.type !== undefined ? { type: values.type } : {}),
        ...(values.author !== undefined ? { author: values.author } : {}),
        ...(values.limit !== undefined ? { limit: values.limit } : {})
      })
      printRows(ctx.io, values, events, eventJson, eventLine)
    })
  }
}
