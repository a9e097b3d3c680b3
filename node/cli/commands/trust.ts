import { fromHex } from '../../../protocol/hex.js'
import { ROLES } from '../../../protocol/schemas.js'
import type { Role } from '../../../protocol/schemas.js'
import type { Args, Command, Context } from '../command.js'
import { postAs, usageError, withNodeToRead } from '../command.js'
import { trustBody } from '../../node.js'
import type { trustSpec } from '../specs/node.js'

type AddArgs = Args<(typeof trustSpec)['subcommands'][0]>

async function set (ctx: Context, { values, positionals }: AddArgs, remove: boolean): Promise<void> {
  const key = (positionals[0] ?? '').toLowerCase()
  if (fromHex(key, 32) === null) throw usageError(`"${key}" is not an identity key (64 hex characters)`)
  const roles = (values.role ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter((r) => r !== '')
  const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r))
  if (bad.length > 0) throw usageError(`unknown role(s) ${bad.join(', ')}; roles are ${ROLES.join(', ')}`)
  if (!remove && roles.length === 0) throw usageError('--role must name at least one role')
  ctx.io.out(await postAs(ctx, 'trust.set', trustBody(key, roles as Role[], remove)))
}

export const trust: Command = {
  subcommands: {
    add: async (ctx, args: AddArgs) => await set(ctx, args, false),
    remove: async (ctx, args: AddArgs) => await set(ctx, args, true),
    async list (ctx, { values }: Args<(typeof trustSpec)['subcommands'][2]>) {
      await withNodeToRead(ctx, async (node) => {
        const list = [...node.views.trust].map(([key, roles]) => ({ key, roles: [...roles].sort(), name: node.views.identities.get(key)?.name ?? null }))
        if (values.json === true) ctx.io.out(JSON.stringify(list))
        else for (const e of list) ctx.io.out(`${e.key} ${e.roles.join(',')}${e.name !== null ? ` ${e.name}` : ''}`)
      })
    }
  }
}
