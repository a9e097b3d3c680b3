import { EVENT_TYPES } from '../../../protocol/schemas.js'
import { fromHex } from '../../../protocol/hex.js'
import type { Command } from '../command.js'
import { intOption, parse, usageError, withNodeToRead } from '../command.js'
import { eventJson } from '../../wire/events.js'
import { eventLine } from '../event-line.js'

export const log: Command = {
  name: 'log',
  usage: 'log [--json] [--type T] [--author KEY] [--limit N]',
  summary: 'indexed events, ordered by (ts, id), newest last',
  async run (ctx, argv) {
    const { values } = parse(this, argv, { json: { type: 'boolean' }, type: { type: 'string' }, author: { type: 'string' }, limit: { type: 'string' } })
    if (values.type !== undefined && !(EVENT_TYPES as string[]).includes(values.type)) throw usageError(this, `--type "${values.type}" is not one of ${EVENT_TYPES.join(', ')}`)
    if (values.author !== undefined && fromHex(values.author, 32) === null) throw usageError(this, `--author "${values.author}" is not an identity key (64 hex characters)`)
    const limit = intOption(this, 'limit', values.limit)
    await withNodeToRead(ctx, async (node) => {
      const events = node.log({
        ...(values.type !== undefined ? { type: values.type } : {}),
        ...(values.author !== undefined ? { author: values.author } : {}),
        ...(limit !== undefined ? { limit } : {})
      })
      if (values.json === true) ctx.io.out(JSON.stringify(events.map(eventJson)))
      else for (const e of events) ctx.io.out(eventLine(e))
    })
  }
}
