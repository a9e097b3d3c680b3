import { applyRevision } from '../../../runners/apply-series.js'
import { hasRole } from '../../../machines/trust.js'
import { CairnError, isCairnError } from '../../../protocol/errors.js'
import { decideRevision } from '../../policy/decide.js'
import { DiffCache } from '../../policy/diffs.js'
import type { PolicyRead } from '../../policy/files.js'
import { requirePolicy } from '../../policy/files.js'
import { resolveRevision } from '../../policy/revision.js'
import { revisionOfEvent } from '../../views/series/index.js'
import type { RevisionView } from '../../views/series/index.js'
import type { Views } from '../../views/views.js'
import type { Args, Command } from '../command.js'
import { withNodeToPost } from '../command.js'
import type { mergeSpec } from '../specs/review.js'

/** The node's policy (cairn policy set); a node without one uses the repository's .cairn/policy.yaml. */
function mergePolicy (home: string, repo: string): PolicyRead {
  try {
    return requirePolicy({ kind: 'home', home })
  } catch (err) {
    if (!isCairnError(err, 'NO_POLICY')) throw err
    return requirePolicy({ kind: 'repo', repo })
  }
}

/**
 * The revision as applyRevision takes it, with only the reviews of trusted
 * identities (reviewers, maintainers, bridges relaying the list): a trailer
 * a stranger signed never ends up in a merged commit.
 */
function trustedView (views: Views, revision: { id: string }): RevisionView {
  const view = revisionOfEvent(views, revision.id) ?? undefined
  const event = views.event(revision.id)
  if (view === undefined || event === undefined || event.type !== 'series.revision') throw new CairnError('NOT_FOUND', `revision ${revision.id} is not indexed`)
  const reviews = view.reviews.filter((r) => hasRole(views.trust, r.author, 'reviewer', 'maintainer', 'bridge'))
  // The event decided on, even when a later republication of the same version is the one in force.
  return { ...view, id: event.id, author: event.author, ts: event.ts, body: event.body, reviews }
}

export const merge: Command = {
  async run (ctx, { values, positionals }: Args<typeof mergeSpec>) {
    const repo = values.repo
    const version = values.version
    const read = mergePolicy(ctx.home, repo)
    await withNodeToPost(ctx, async (node, post) => {
      const { series, revision } = resolveRevision(node.views, positionals[0] as string, version)
      const name = `${series.id} v${revision.body.version}`
      const decision = await decideRevision(node.views, new DiffCache(node.blobs), read.policy, revision)
      if (decision.state === 'merged') throw new CairnError('ALREADY_MERGED', `${name} is already merged: ${decision.reasons[0] ?? ''}`)
      const forced = decision.verdict !== 'merge'
      if (forced && values.force !== true) {
        throw new CairnError('NOT_MERGEABLE', `${name}: the verdict is ${decision.verdict} (${decision.state}), not merge:\n${decision.reasons.map((r) => `  - ${r}`).join('\n')}\ncairn merge --force merges anyway and records that it was forced`)
      }
      const applied = await applyRevision({
        node,
        revision: trustedView(node.views, revision),
        repo,
        ...(values.branch === undefined ? {} : { branch: values.branch })
      })
      const branch = applied.branch !== '' ? applied.branch : 'HEAD'
      const id = await post('merge', { revision: revision.id, branch, commit: applied.commit, ...(forced ? { forced: true } : {}) }, [revision.id])
      ctx.io.out(`merged ${name}: ${applied.patches} patch${applied.patches === 1 ? '' : 'es'} onto ${applied.base.slice(0, 12)}, ${branch} at ${applied.commit}${forced ? ` (forced: the verdict was ${decision.verdict})` : ''}`)
      ctx.io.out(id)
      if (!hasRole(node.views.trust, node.identityKey, 'maintainer')) {
        ctx.io.err(`cairn: note: this node does not trust itself as maintainer, so its merge event does not move ${name} to merged; cairn trust add ${node.identityKey} --role maintainer`)
      }
    })
  }
}
