import { CairnError, isCairnError } from '../../../protocol/errors.js'
import type { Command } from '../command.js'
import { parse, withNode } from '../command.js'
import { daemonApi, postThroughDaemon } from '../daemon-api.js'

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
    const [type, refs] = [positionals[0] as string, values.ref ?? []]
    try {
      await withNode(ctx, async (node) => {
        const event = await node.post(type as never, body as never, refs)
        ctx.io.out(event.id)
      })
    } catch (err) {
      // While `cairn start` holds the home, post through its HTTP API: it signs with this same identity.
      const api = isCairnError(err, 'HOME_LOCKED') ? daemonApi(ctx.home) : null
      if (api === null) throw err
      ctx.io.out(await postThroughDaemon(api, type, body, refs))
    }
  }
}
