import { fromHex } from '../../../protocol/hex.js'
import { ROLES } from '../../../protocol/schemas.js'
import type { Role } from '../../../protocol/schemas.js'
import type { Command } from '../command.js'
import { parse, postAs, usageError, withNodeToRead } from '../command.js'
import { trustBody } from '../../node.js'

export const trust: Command = {
  name: 'trust',
  usage: 'trust add KEY --role ROLE[,ROLE] | trust remove KEY | trust list [--json]',
  summary: 'who this node trusts, and for what (reviewer, maintainer, runner, bridge)',
  async run (ctx, argv) {
    const sub = argv[0]
    if (sub === 'list') {
      const { values } = parse(this, argv.slice(1), { json: { type: 'boolean' } })
      await withNodeToRead(ctx, async (node) => {
        const list = [...node.views.trust].map(([key, roles]) => ({ key, roles: [...roles].sort(), name: node.views.identities.get(key)?.name ?? null }))
        if (values.json === true) ctx.io.out(JSON.stringify(list))
        else for (const e of list) ctx.io.out(`${e.key} ${e.roles.join(',')}${e.name !== null ? ` ${e.name}` : ''}`)
      })
      return
    }
    if (sub !== 'add' && sub !== 'remove') throw usageError(this, 'expected add, remove or list')
    const { values, positionals } = parse(this, argv.slice(1), { role: { type: 'string', multiple: true } }, 1)
    const key = (positionals[0] ?? '').toLowerCase()
    if (fromHex(key, 32) === null) throw usageError(this, `"${key}" is not an identity key (64 hex characters)`)
    const roles = (values.role ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter((r) => r !== '')
    const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r))
    if (bad.length > 0) throw usageError(this, `unknown role(s) ${bad.join(', ')}; roles are ${ROLES.join(', ')}`)
    if (sub === 'add' && roles.length === 0) throw usageError(this, '--role is required')
    ctx.io.out(await postAs(ctx, 'trust.set', trustBody(key, roles as Role[], sub === 'remove')))
  }
}
