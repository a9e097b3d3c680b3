import type { AnyEvent, CairnEvent } from '../protocol/event.js'
import { CairnError } from '../protocol/errors.js'
import type { Role } from '../protocol/schemas.js'
import { maintainerEmails } from './maintainers.js'
import { globLabel, matchesAny } from './match.js'
import type { Policy } from './policy-file.js'
import type { Fact, Requirements, ReviewRequirement, RevisionInput } from './revision-context.js'
import { compareEvents, short } from './order.js'
import type { Identities, Trust } from './trust.js'
import { hasRole, parsePerson } from './trust.js'

/** Trailer a revision's author (or a maintainer) uses to withdraw it. */
export const WITHDRAW_TRAILER = 'Withdrawn-by'

/** Everything decide needs besides the events and the policy; computed by the caller and never changed in place (derived data is cached by these objects). */
export interface DecideContext {
  trust: Trust
  identities: Identities
  /** Paths each revision touches (pathsFromDiff over its patches' diffs), by revision EventId. */
  touched: ReadonlyMap<string, readonly string[]>
  /** patch-id of each patch in order (patchId over each diff), by revision EventId. */
  patchIds: ReadonlyMap<string, readonly string[]>
}

export interface Gathered {
  revision: CairnEvent<'series.revision'>
  input: RevisionInput
  /** The machines' events, in (ts, EventId) order of the events they come from. */
  facts: Fact[]
  /** Every EventId that shaped the facts or the notes, sorted. */
  inputs: string[]
  /** Reasons found while gathering (what was carried over and what was not). */
  notes: string[]
}

type Revision = CairnEvent<'series.revision'>

/**
 * Turn the event set into facts about one revision, applying trust: which
 * trailers count and for whom, which results count, what carries over from
 * earlier revisions. `events` must already be in (ts, EventId) order.
 */
export function gatherFacts (revisionId: string, events: readonly AnyEvent[], policy: Policy, ctx: DecideContext): Gathered {
  const rev = events.find((e): e is Revision => e.type === 'series.revision' && e.id === revisionId)
  if (rev === undefined) throw new CairnError('DECIDE', `revision ${revisionId} is not among the events given`)
  const revAuthor = rev.author
  const touched = ctx.touched.get(rev.id)
  if (touched === undefined) throw new CairnError('DECIDE', `the paths touched by revision ${short(rev.id)} were not given (touched map)`)
  const maintainers = policy.maintainers === null ? null : policy.maintainers.parsed
  if (policy.maintainers !== null && maintainers === null) {
    throw new CairnError('POLICY', `the policy names ${policy.maintainers.file} but its text was not attached (withMaintainers)`)
  }

  const { trusted, emailsOf, byEmail } = reviewersOf(ctx.trust, ctx.identities)
  const listedIn = (id: string, emails: ReadonlySet<string>): boolean => emailsOf(id).some((e) => emails.has(e))
  const touchedMaintainers = maintainers === null ? new Set<string>() : maintainerEmails(maintainers, touched)
  const isMaintainer = (id: string): boolean => hasRole(ctx.trust, id, 'maintainer') || listedIn(id, touchedMaintainers)

  const req = requirements(policy, touched, trusted, (id, role) => hasRole(ctx.trust, id, role), (paths) => {
    if (maintainers === null) return null
    const emails = maintainerEmails(maintainers, paths)
    return (id) => listedIn(id, emails)
  })

  const inputs = new Set<string>([rev.id])
  const notes: string[] = []
  const trailerKeys = knownTrailers(policy)
  const sameSeries = (e: AnyEvent): e is Revision =>
    e.type === 'series.revision' && e.id !== rev.id && e.body.project === rev.body.project && e.body.series === rev.body.series &&
    // Anyone may publish a "v9" of someone's series: only its author or a trusted identity can move it on.
    (e.author === rev.author || (ctx.trust.get(e.author)?.size ?? 0) > 0)
  const siblings = events.filter(sameSeries)

  // Events that stand for this very revision: its author's earlier publications of
  // the same series and version (a bridge republishes when late patches arrive) and
  // those it `replaces` (mails regrouped under another series id). Their reviews are its own.
  const replaced = new Set(rev.body.replaces ?? [])
  const standsFor = new Set<string>()
  for (const e of events) {
    if (e.type !== 'series.revision' || e.id === rev.id || e.author !== rev.author) continue
    const republished = e.body.project === rev.body.project && e.body.series === rev.body.series && e.body.version === rev.body.version && compareEvents(e, rev) < 0
    if (republished || replaced.has(e.id)) standsFor.add(e.id)
  }

  // Earlier revisions whose reviews carry over, by their id -> version.
  const carried = new Map<string, number>()
  const carryNotes = new Map<string, string>()
  if (!policy.reset.onNewRevision) {
    for (const o of siblings) if (o.body.version < rev.body.version) {
      carried.set(o.id, o.body.version)
      carryNotes.set(o.id, `reviews of v${o.body.version} (${short(o.id)}) carried over: the policy keeps reviews across revisions`)
    }
  } else if (policy.reset.keepIfPatchesUnchanged) {
    const mine = ctx.patchIds.get(rev.id)
    for (const o of siblings) {
      if (o.body.version >= rev.body.version) continue
      const theirs = ctx.patchIds.get(o.id)
      const tag = `v${o.body.version} (${short(o.id)})`
      if (mine === undefined || theirs === undefined) {
        notes.push(`reviews of ${tag} not carried over: patch-ids unknown`)
        inputs.add(o.id)
      } else if (samePatches(mine, theirs)) {
        carried.set(o.id, o.body.version)
        carryNotes.set(o.id, `reviews of ${tag} carried over: patches unchanged`)
      } else {
        notes.push(`reviews of ${tag} not carried over: patches changed`)
        inputs.add(o.id)
      }
    }
  }

  const patchIndexes = rev.body.patches.filter((p) => p.missing !== true).map((p) => p.index).sort((a, b) => a - b)
  const patchAuthors = new Set(rev.body.patches.map((p) => p.author?.email.toLowerCase()).filter((e): e is string => e !== undefined))
  const display = (id: string, fallback: string): string => {
    const ident = ctx.identities.get(id)
    const email = ident?.emails[0]
    if (ident?.name !== undefined && email !== undefined) return `${ident.name} <${email}>`
    if (email !== undefined) return `<${email}>`
    if (ident?.name !== undefined) return ident.name
    return fallback !== '' ? fallback : `key ${short(id)}`
  }

  const jobs = new Map<string, string>()
  const resultsById = new Map<string, CairnEvent<'result'>>()
  for (const e of events) if (e.type === 'result') resultsById.set(e.id, e)
  const contributed = new Set<string>()
  const facts: Fact[] = []
  const add = (e: AnyEvent, fact: Fact): void => {
    facts.push(fact)
    inputs.add(e.id)
  }

  for (const e of events) {
    switch (e.type) {
      case 'series.revision':
        if (sameSeries(e) && e.body.version > rev.body.version) add(e, { type: 'supersede', id: e.id, version: e.body.version })
        break
      case 'review': {
        const target = e.body.target.revision
        const same = target === rev.id || standsFor.has(target)
        const carriedFrom = same ? undefined : carried.get(target)
        if (!same && carriedFrom === undefined) break
        let patch = e.body.target.patch
        if (patch === 0 && !patchIndexes.includes(0)) patch = undefined // patch 0 is the cover letter: the whole series
        if (patch !== undefined && !patchIndexes.includes(patch)) break
        const before = facts.length
        reviewFacts(e, patch, carriedFrom).forEach((f) => add(e, f))
        if (target !== rev.id && facts.length > before) contributed.add(target)
        break
      }
      case 'job.request':
        if (e.body.revision === rev.id && req.profiles.includes(e.body.profile)) {
          jobs.set(e.id, e.body.profile)
          add(e, { type: 'job', id: e.id, profile: e.body.profile })
        }
        break
      case 'result': {
        const profile = e.body.job === undefined ? undefined : jobs.get(e.body.job)
        if (profile === undefined) break
        if (!hasRole(ctx.trust, e.author, 'runner')) {
          add(e, { type: 'untrusted-result', id: e.id, profile, runner: e.author })
          break
        }
        const verdict = resolveVerdict(e)
        if (verdict === null) {
          notes.push(`result ${short(e.id)} reuses a result that is not available or not from a trusted runner`)
          inputs.add(e.id)
          break
        }
        add(e, { type: 'result', id: e.id, profile, verdict, build: e.body.build, runner: e.author })
        break
      }
      case 'merge':
        if (e.body.revision === rev.id && hasRole(ctx.trust, e.author, 'maintainer')) {
          add(e, { type: 'merge', id: e.id, branch: e.body.branch, commit: e.body.commit })
        }
        break
    }
  }
  for (const [id, note] of carryNotes) {
    if (!contributed.has(id)) continue
    notes.push(note)
    inputs.add(id)
  }
  for (const id of [...standsFor].sort()) {
    if (!contributed.has(id)) continue
    notes.push(`reviews of ${short(id)} count for this revision: ${replaced.has(id) ? 'it replaces that event' : 'an earlier publication of the same version'}`)
    inputs.add(id)
  }

  return {
    revision: rev,
    input: { revision: rev.id, version: rev.body.version, patches: patchIndexes, req },
    facts,
    inputs: [...inputs].sort(),
    notes
  }

  /** A 'reused' result stands for the one it names (which must be a trusted runner's). */
  function resolveVerdict (e: CairnEvent<'result'>): Exclude<CairnEvent<'result'>['body']['verdict'], 'reused'> | null {
    let cur = e
    for (let hops = 0; hops < 8; hops++) {
      if (cur.body.verdict !== 'reused') return cur.body.verdict
      const next = cur.body.reuses === undefined ? undefined : resultsById.get(cur.body.reuses)
      if (next === undefined || !hasRole(ctx.trust, next.author, 'runner')) return null
      inputs.add(next.id)
      cur = next
    }
    return null
  }

  function reviewFacts (e: CairnEvent<'review'>, patchIndex: number | undefined, carriedFrom: number | undefined): Fact[] {
    const out: Fact[] = []
    const bridge = hasRole(ctx.trust, e.author, 'bridge')
    const direct = !bridge && hasRole(ctx.trust, e.author, 'reviewer', 'maintainer')
    const patch = patchIndex === undefined ? {} : { patch: patchIndex }
    const from = carriedFrom === undefined ? {} : { carried: carriedFrom }
    for (const t of e.body.trailers) {
      const key = trailerKeys.get(t.key.trim().toLowerCase()) ?? null
      if (key === null) continue
      const person = parsePerson(t.value)
      // A bridge relays other people's trailers: they count for the trusted identity owning the address.
      const identity = bridge ? (person.email === '' ? undefined : byEmail.get(person.email)) : direct ? e.author : undefined
      const shown = t.value.trim() !== '' ? t.value.trim() : `key ${short(e.author)}`
      if (key === WITHDRAW_TRAILER) {
        if (carriedFrom !== undefined) continue
        const allowed = e.author === revAuthor || (bridge && patchAuthors.has(person.email)) || (identity !== undefined && isMaintainer(identity))
        out.push(allowed ? { type: 'withdraw', id: e.id, who: identity === undefined ? shown : display(identity, shown) } : { type: 'untrusted', id: e.id, key, who: shown })
        continue
      }
      if (identity === undefined) {
        out.push({ type: 'untrusted', id: e.id, key, who: shown })
        continue
      }
      const who = display(identity, shown)
      if (policy.veto.includes(key)) out.push({ type: 'veto', id: e.id, identity, key, who, maintainer: isMaintainer(identity), ...patch, ...from })
      else out.push({ type: 'approve', id: e.id, identity, key, who, ...patch, ...from })
    }
    return out
  }
}

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
function reviewersOf (trust: Trust, identities: Identities): Reviewers {
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

/** Trailer keys compare case-insensitively (as b4 does); the policy's spelling is kept. Lower-cased key -> the policy's. */
function knownTrailers (policy: Policy): Map<string, string> {
  const out = new Map<string, string>()
  for (const k of [...policy.reviews.trailers, ...policy.veto, WITHDRAW_TRAILER]) if (!out.has(k.toLowerCase())) out.set(k.toLowerCase(), k)
  return out
}

function samePatches (a: readonly string[], b: readonly string[]): boolean {
  return a.length > 0 && a.length === b.length && a.every((x, i) => x === b[i])
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
