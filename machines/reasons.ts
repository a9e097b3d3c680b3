import type { PolicyChecks } from './merge-policy.js'
import { short } from './order.js'
import type { Opinion, RevisionContext } from './revision-context.js'
import { countRule, standing } from './revision-context.js'

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * Why the verdict is what it is, one line per point, for people: the
 * disposition, vetoes, each required test profile, each review rule, what
 * did not count, and what was (not) carried over. Deterministic: everything
 * is listed in a fixed order.
 */
export function reasonsFor (ctx: RevisionContext, checks: PolicyChecks, notes: readonly string[]): string[] {
  const out: string[] = []
  if (ctx.merged !== null) out.push(`merged as ${ctx.merged.commit.slice(0, 12)} on ${ctx.merged.branch}`)
  if (ctx.supersededBy !== null) out.push(`superseded by v${ctx.supersededBy.version} (${short(ctx.supersededBy.id)})`)
  if (ctx.withdrawnBy !== null) out.push(`withdrawn by ${ctx.withdrawnBy}`)

  const ids = Object.keys(ctx.opinions).sort()
  for (const id of ids) {
    const s = standing(ctx, id)
    const op = s.opinion
    if (s.approved || op === null || op.kind !== 'veto') continue
    out.push(op.maintainer
      ? `${op.key}: ${op.who} (maintainer)${from(op)}`
      : `${op.key}: ${op.who} not counted: not a maintainer of the touched paths${from(op)}`)
  }

  for (const p of ctx.req.profiles) {
    const r = ctx.results[p]
    if (r === undefined) {
      out.push(ctx.jobs[p] === undefined ? `test profile ${p} not requested yet` : `test profile ${p} requested, no result yet`)
      continue
    }
    const on = `on runner ${short(r.runner)}`
    switch (r.verdict) {
      case 'pass': out.push(`test profile ${p} passed ${on}`); break
      case 'fail': out.push(`test profile ${p} failed ${on}`); break
      case 'apply-failed': out.push(`test profile ${p} failed ${on}: the series did not apply`); break
      case 'error': out.push(`test profile ${p} errored ${on}: needs a rerun`); break
      case 'aborted': out.push(`test profile ${p} was aborted ${on}: needs a rerun`); break
    }
  }
  if (ctx.untrustedResults > 0) out.push(`${plural(ctx.untrustedResults, 'result')} from untrusted runners not counted`)

  const keys = ctx.req.approvalKeys.join(' or ')
  for (const rule of ctx.req.reviews) {
    if (rule.required === 0) continue
    const c = countRule(ctx, rule)
    const of = rule.label === '' ? '' : ` of ${rule.label}`
    if (c.fresh.length >= rule.required) {
      const names = c.fresh.map((id) => standing(ctx, id).opinion?.who ?? short(id)).sort().join(', ')
      out.push(`${c.fresh.length} ${keys} from ${rule.role}s${of} (${rule.required} required): ${names}`)
    } else {
      const stale = c.stale.length > 0 ? ` (${c.stale.length} given before a required result changed)` : ''
      out.push(`needs ${rule.required - c.fresh.length} more ${keys} from a ${rule.role}${of}${stale}`)
    }
  }

  if (checks.reviews === 'stale' || checks.reviews === 'short') {
    const changed = new Set<string>()
    for (const id of ids) {
      const s = standing(ctx, id)
      if (!s.stale) continue
      for (const op of opinionsOf(ctx, id)) {
        for (const [p, build] of Object.entries(op.builds)) {
          const now = ctx.results[p]
          if (now !== undefined && now.build !== build) changed.add(`test profile ${p}: build identity changed after approval (${short(build)} -> ${short(now.build)}), approvals need renewing`)
        }
      }
    }
    out.push(...[...changed].sort())
  }

  for (const id of ids) {
    const s = standing(ctx, id)
    if (s.partial !== null && s.partial.covered > 0) out.push(`${s.opinion?.who ?? short(id)} reviewed ${s.partial.covered} of ${s.partial.total} patches (not counted)`)
  }

  const untrusted = new Map<string, Set<string>>()
  for (const u of ctx.untrusted) {
    const set = untrusted.get(u.key) ?? new Set<string>()
    set.add(u.who)
    untrusted.set(u.key, set)
  }
  for (const [key, who] of [...untrusted].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
    out.push(`${who.size} ${key} from untrusted identities not counted`)
  }
  out.push(...notes)
  return out
}

function from (op: Opinion): string {
  return op.carried === null ? '' : ` (on v${op.carried})`
}

function opinionsOf (ctx: RevisionContext, id: string): Opinion[] {
  const o = ctx.opinions[id]
  if (o === undefined) return []
  return [o.whole, ...Object.values(o.patches)].filter((x): x is Opinion => x !== null)
}
