/**
 * Who may review a revision and what it needs: the trusted reviewers and
 * their addresses (derived once per trust state), and the policy resolved
 * for the paths the revision touches.
 */
import type { Role } from '../protocol/schemas.js'
import { globLabel, matchesAny } from './match.js'
import type { Policy } from './policy-file.js'
import type { Requirements, ReviewRequirement } from './revision-context.js'
import type { Identities, Trust } from './trust.js'
import { hasRole } from './trust.js'

interface Reviewers {
  /** Identities holding reviewer or maintainer, sorted. */
  trusted: string[]
  /** An identity's linked addresses, lower-cased. */
  emailsOf: (id: string) => string[]
  /** Address -> the first trusted identity (in sorted order) linking it. */
  byEmail: Map<string, string>
}

const reviewersCache = new WeakMap<Trust, WeakMap<Identities, Reviewers>>()

/** Derived once per trust state: a maintainer node decides every open revision under the same one. */
export function reviewersOf (trust: Trust, identities: Identities): Reviewers {
  let byIdentities = reviewersCache.get(trust)
  if (byIdentities === undefined) reviewersCache.set(trust, byIdentities = new WeakMap())
  let r = byIdentities.get(identities)
  if (r !== undefined) return r
  const trusted = [...trust.keys()].filter((id) => hasRole(trust, id, 'reviewer', 'maintainer')).sort()
  const lowered = new Map<string, string[]>()
  const emailsOf = (id: string): string[] => {
    let list = lowered.get(id)
    if (list === undefined) lowered.set(id, list = identities.get(id)?.emails.map((e) => e.toLowerCase()) ?? [])
    return list
  }
  const byEmail = new Map<string, string>()
  for (const id of trusted) for (const e of emailsOf(id)) if (!byEmail.has(e)) byEmail.set(e, id)
  r = { trusted, emailsOf, byEmail }
  byIdentities.set(identities, r)
  return r
}

/**
 * The policy resolved for one revision: which review rules apply (the global
 * one and those of path rules matching a touched path) and who is eligible
 * for each, and which test profiles are required.
 */
export function requirements (
  policy: Policy,
  touched: readonly string[],
  trusted: readonly string[],
  holds: (id: string, role: Role) => boolean,
  maintainersOf: (paths: string[]) => ((id: string) => boolean) | null
): Requirements {
  const reviewers = trusted.filter((id) => holds(id, 'reviewer') || holds(id, 'maintainer'))
  const maintainers = trusted.filter((id) => holds(id, 'maintainer'))
  const reviews: ReviewRequirement[] = [{
    label: '',
    required: policy.reviews.required,
    role: policy.reviews.role,
    eligible: policy.reviews.role === 'reviewer' ? reviewers : maintainers
  }]
  const profiles = new Set(policy.tests.required)
  for (const rule of policy.paths) {
    const matched = matchesAny(rule.match, touched)
    if (matched.length === 0) continue
    for (const p of rule.tests.required) profiles.add(p)
    if (rule.reviews === null) continue
    let eligible = reviewers
    if (rule.reviews.role === 'maintainer') {
      // With a MAINTAINERS file, "maintainer of fs/xfs" means an M: entry of a section covering the paths.
      const listed = maintainersOf(matched)
      eligible = listed === null ? maintainers : reviewers.filter(listed)
    }
    reviews.push({ label: globLabel(rule.match), required: rule.reviews.required, role: rule.reviews.role, eligible })
  }
  return { reviews, profiles: [...profiles].sort(), approvalKeys: [...policy.reviews.trailers] }
}
