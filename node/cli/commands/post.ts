import { CairnError } from '../../../protocol/errors.js'
import type { EventType } from '../../../protocol/schemas.js'
import type { Args, Command } from '../command.js'
import { postAs } from '../command.js'
import type { postSpec } from '../specs/node.js'

export const post: Command = {
  async run (ctx, { values, positionals }: Args<typeof postSpec>) {
    let body: unknown
    try {
      body = JSON.parse(values.body ?? '{}')
    } catch (err) {
      throw new CairnError('BAD_JSON', `--body is not JSON: ${(err as Error).message}`)
    }
    ctx.io.out(await postAs(ctx, positionals[0] as EventType, body, values.ref ?? []))
  }
}
