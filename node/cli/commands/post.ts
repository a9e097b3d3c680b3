import { CairnError } from '../../../protocol/errors.js'
import type { EventType } from '../../../protocol/schemas.js'
import type { Command } from '../command.js'
import { parse, postAs } from '../command.js'

export const post: Command = {
  name: 'post',
  usage: 'post TYPE --body JSON [--ref ID]...',
  summary: 'validate, sign and append an event; prints its EventId',
  async run (ctx, argv) {
    const { values, positionals } = parse(this, argv, { body: { type: 'string' }, ref: { type: 'string', multiple: true } }, 1)
    let body: unknown
    try {
      body = JSON.parse(values.body ?? '{}')
    } catch (err) {
      throw new CairnError('BAD_JSON', `--body is not JSON: ${(err as Error).message}`)
    }
    ctx.io.out(await postAs(ctx, positionals[0] as EventType, body, values.ref ?? []))
  }
}
