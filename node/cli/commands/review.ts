import { CairnError } from '../../../protocol/errors.js'
import { resolveRevision } from '../../policy/revision.js'
import type { Views } from '../../views/views.js'
import type { Args, Command } from '../command.js'
import { usageError, withNodeToPost } from '../command.js'
import type { reviewSpec } from '../specs/review.js'

const TRAILER = /^([A-Za-z][A-Za-z0-9-]{0,99}):\s*(.*)$/
/** A bare person trailer ("Reviewed-by"), to be signed with this node's profile. */
const BARE = /^([A-Za-z][A-Za-z0-9-]{0,96}-by)$/i

/**
 * "Reviewed-by: Name <email>" -> { key, value }. A trailer with no value
 * ("Reviewed-by") is signed with the name and email this node published
 * (cairn id publish), the way `git commit -s` fills in Signed-off-by.
 */
export function parseTrailer (text: string, views: Views): { key: string, value: string } {
  const m = TRAILER.exec(text.trim()) ?? BARE.exec(text.trim())
  if (m === null) throw usageError(`--trailer "${text}" is not a trailer; write it as "Reviewed-by: Name <email>"`)
  const key = m[1] as string
  let value = (m[2] ?? '').trim()
  if (value === '') {
    const me = views.identities.get(views.root)
    const email = me?.emails[0]
    if (me?.name === undefined || email === undefined) {
      throw usageError(`--trailer "${key}:" has no name; write "${key}: Name <email>", or publish yours once with cairn id publish --name NAME --email EMAIL`)
    }
    value = `${me.name} <${email}>`
  }
  return { key, value }
}

export const review: Command = {
  async run (ctx, { values, positionals }: Args<typeof reviewSpec>) {
    const trailers = values.trailer ?? []
    if (trailers.length === 0 && values.comment === undefined) throw usageError('give at least one --trailer (or a --comment)')
    const version = values.version
    const patch = values.patch
    await withNodeToPost(ctx, async (node, post) => {
      const { series, revision } = resolveRevision(node.views, positionals[0] as string, version)
      if (patch !== undefined && patch !== 0 && !revision.body.patches.some((p) => p.index === patch)) {
        const have = revision.body.patches.map((p) => p.index).filter((i) => i > 0)
        throw new CairnError('NO_SUCH_PATCH', `${series.id} v${revision.body.version} has no patch ${patch}; its patches are ${have.join(', ')} (0 is the cover letter: the whole series)`)
      }
      const body = {
        target: { revision: revision.id, ...(patch === undefined ? {} : { patch }) },
        trailers: trailers.map((t) => parseTrailer(t, node.views)),
        ...(values.comment === undefined ? {} : { comment: values.comment })
      }
      ctx.io.out(await post('review', body, [revision.id]))
    })
  }
}
