import type { ReviewRole } from './policy-file.js'

/*
 * What the revision machines know about one revision: facts distilled from
 * signed events by facts.ts (trust already applied), folded by one pure
 * reducer. Both machines (lifecycle and merge policy) share this context and
 * these guards, so their states can never disagree.
 */

type ResultVerdict = 'pass' | 'fail' | 'error' | 'apply-failed' | 'aborted'

/** One review rule of the policy, resolved for this revision: who may satisfy it. */
export interface ReviewRequirement {
  /** '' for the global rule, else the path the rule is about (fs/xfs). */
  label: string
  required: number
  role: ReviewRole
  /** Identities (hex) whose approval counts toward this rule, sorted. */
  eligible: string[]
}

export interface Requirements {
  reviews: ReviewRequirement[]
  /** Required test profiles, sorted. */
  profiles: string[]
  /** Trailer keys that approve (Reviewed-by...). */
  approvalKeys: string[]
}

interface FactBase {
  /** EventId the fact comes from. */
  id: string
}

/** Facts are the machines' events. */
export type Fact =
  | FactBase & { type: 'approve', identity: string, key: string, who: string, patch?: number, carried?: number }
  | FactBase & { type: 'veto', identity: string, key: string, who: string, maintainer: boolean, patch?: number, carried?: number }
  | FactBase & { type: 'untrusted', key: string, who: string }
  | FactBase & { type: 'job', profile: string }
  | FactBase & { type: 'result', profile: string, verdict: ResultVerdict, build: string, runner: string }
  | FactBase & { type: 'untrusted-result', profile: string, runner: string }
  | FactBase & { type: 'withdraw', who: string }
  | FactBase & { type: 'supersede', version: number }
  | FactBase & { type: 'merge', branch: string, commit: string }

/**
 * A run of facts recorded at once. Both machines route on the context alone
 * (every non-final state tries the same priority list), so recording a run
 * and routing once reaches the state that routing after each fact reaches.
 * Folding a revision takes a handful of transitions instead of one per
 * fact: XState's pure transition() builds a throwaway actor on every call.
 */
interface FactBatch { type: 'facts', facts: readonly Fact[] }

/** What the revision machines accept. */
export type RevisionEvent = Fact | FactBatch

/**
 * Cut facts into batches, each `edge` fact (one with a transition of its
 * own, such as the lifecycle's supersede and merge) sent alone.
 */
export function batchFacts (facts: Iterable<Fact>, edge: (f: Fact) => boolean = () => false): RevisionEvent[] {
  const out: RevisionEvent[] = []
  let run: Fact[] = []
  for (const f of facts) {
    if (!edge(f)) { run.push(f); continue }
    if (run.length > 0) out.push({ type: 'facts', facts: run })
    run = []
    out.push(f)
  }
  if (run.length > 0) out.push({ type: 'facts', facts: run })
  return out
}

export interface Opinion {
  kind: 'approve' | 'veto'
  /** For vetoes: whether it counts (a maintainer's). */
  maintainer: boolean
  key: string
  who: string
  /** Build identity of each required profile's result when the approval was given. */
  builds: Record<string, string>
  /** Version it was carried over from, when given on an earlier revision. */
  carried: number | null
}

interface IdentityOpinions {
  /** A review of the whole revision; replaces the per-patch ones. */
  whole: Opinion | null
  /** Reviews of single patches, by patch index. */
  patches: Record<string, Opinion>
}

interface ResultSeen {
  id: string
  verdict: ResultVerdict
  build: string
  runner: string
}

export interface RevisionContext {
  revision: string
  version: number
  /** Indexes of the revision's patches (those not missing). */
  patches: number[]
  req: Requirements
  opinions: Record<string, IdentityOpinions>
  untrusted: Array<{ key: string, who: string }>
  jobs: Record<string, number>
  /** Latest conclusive result per required profile. */
  results: Record<string, ResultSeen>
  untrustedResults: number
  withdrawnBy: string | null
  supersededBy: { id: string, version: number } | null
  merged: { branch: string, commit: string } | null
}

export interface RevisionInput {
  revision: string
  version: number
  patches: number[]
  req: Requirements
}

const NO_REQUIREMENTS: Requirements = { reviews: [], profiles: [], approvalKeys: [] }

/**
 * The context before any fact. XState's pure transition() also builds the
 * initial snapshot of a throwaway actor without input on every call: that
 * one gets an empty revision, cheaply, instead of a thrown TypeError.
 */
export function initialContext (input: RevisionInput | undefined): RevisionContext {
  if (input === undefined) input = { revision: '', version: 0, patches: [], req: NO_REQUIREMENTS }
  return {
    revision: input.revision,
    version: input.version,
    patches: [...input.patches],
    req: input.req,
    opinions: {},
    untrusted: [],
    jobs: {},
    results: {},
    untrustedResults: 0,
    withdrawnBy: null,
    supersededBy: null,
    merged: null
  }
}

function currentBuilds (ctx: RevisionContext): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of ctx.req.profiles) {
    const r = ctx.results[p]
    if (r !== undefined) out[p] = r.build
  }
  return out
}

/** The one reducer, over one fact or a batch: a new context, the old one untouched. */
export function applyEvent (ctx: RevisionContext, event: RevisionEvent): RevisionContext {
  return applyFacts(ctx, event.type === 'facts' ? event.facts : [event])
}

/** Copies the context once, then records each fact into the copy (never into an object the old context holds). */
function applyFacts (ctx: RevisionContext, facts: readonly Fact[]): RevisionContext {
  const next: RevisionContext = { ...ctx, opinions: { ...ctx.opinions }, untrusted: [...ctx.untrusted], jobs: { ...ctx.jobs }, results: { ...ctx.results } }
  for (const fact of facts) record(next, fact)
  return next
}

function record (ctx: RevisionContext, fact: Fact): void {
  switch (fact.type) {
    case 'approve':
    case 'veto': {
      const op: Opinion = {
        kind: fact.type,
        maintainer: fact.type === 'veto' && fact.maintainer,
        key: fact.key,
        who: fact.who,
        builds: fact.type === 'approve' ? currentBuilds(ctx) : {},
        carried: fact.carried ?? null
      }
      const cur = ctx.opinions[fact.identity] ?? { whole: null, patches: {} }
      // An identity's latest word wins; a word on the whole revision replaces its per-patch ones.
      ctx.opinions[fact.identity] = fact.patch === undefined
        ? { whole: op, patches: {} }
        : { whole: cur.whole, patches: { ...cur.patches, [String(fact.patch)]: op } }
      return
    }
    case 'untrusted':
      ctx.untrusted.push({ key: fact.key, who: fact.who })
      return
    case 'job':
      ctx.jobs[fact.profile] = (ctx.jobs[fact.profile] ?? 0) + 1
      return
    case 'result':
      // An aborted run says nothing about the patches: it never hides a real verdict.
      if (fact.verdict === 'aborted' && ctx.results[fact.profile] !== undefined) return
      ctx.results[fact.profile] = { id: fact.id, verdict: fact.verdict, build: fact.build, runner: fact.runner }
      return
    case 'untrusted-result':
      ctx.untrustedResults++
      return
    case 'withdraw':
      if (ctx.withdrawnBy === null) ctx.withdrawnBy = fact.who
      return
    case 'supersede':
      if (ctx.supersededBy === null || fact.version > ctx.supersededBy.version) ctx.supersededBy = { id: fact.id, version: fact.version }
      return
    case 'merge':
      if (ctx.merged === null) ctx.merged = { branch: fact.branch, commit: fact.commit }
  }
}

interface Standing {
  approved: boolean
  /** Approved, but a required result's build changed since. */
  stale: boolean
  /** Per-patch approvals that do not cover every patch. */
  partial: { covered: number, total: number } | null
  opinion: Opinion | null
}

/** Where one identity stands on the revision. */
export function standing (ctx: RevisionContext, identity: string): Standing {
  const o = ctx.opinions[identity]
  if (o === undefined) return { approved: false, stale: false, partial: null, opinion: null }
  const all = [o.whole, ...Object.values(o.patches)].filter((x): x is Opinion => x !== null)
  const veto = all.find((x) => x.kind === 'veto')
  if (veto !== undefined) return { approved: false, stale: false, partial: null, opinion: veto }
  let approving: Opinion[]
  if (o.whole !== null) approving = [o.whole]
  else {
    approving = ctx.patches.map((i) => o.patches[String(i)]).filter((x): x is Opinion => x !== undefined)
    if (ctx.patches.length === 0 || approving.length < ctx.patches.length) {
      return { approved: false, stale: false, partial: { covered: approving.length, total: ctx.patches.length }, opinion: approving[0] ?? null }
    }
  }
  const stale = approving.some((op) => Object.entries(op.builds).some(([p, b]) => ctx.results[p] !== undefined && ctx.results[p]?.build !== b))
  return { approved: true, stale, partial: null, opinion: approving[approving.length - 1] ?? null }
}

interface RuleCount {
  rule: ReviewRequirement
  fresh: string[]
  stale: string[]
}

export function countRule (ctx: RevisionContext, rule: ReviewRequirement): RuleCount {
  const fresh: string[] = []
  const stale: string[] = []
  for (const id of rule.eligible) {
    const s = standing(ctx, id)
    if (s.approved) (s.stale ? stale : fresh).push(id)
  }
  return { rule, fresh, stale }
}

// Guard bodies: pure functions of the context and params taken from the policy.

export interface ProfilesParams { profiles: readonly string[] }
export interface RulesParams { rules: readonly ReviewRequirement[] }

const FAILED: ReadonlySet<ResultVerdict> = new Set(['fail', 'apply-failed'])

export const checks = {
  vetoed: (ctx: RevisionContext): boolean =>
    Object.values(ctx.opinions).some((o) => [o.whole, ...Object.values(o.patches)].some((x) => x !== null && x.kind === 'veto' && x.maintainer)),
  withdrawn: (ctx: RevisionContext): boolean => ctx.withdrawnBy !== null,
  superseded: (ctx: RevisionContext): boolean => ctx.supersededBy !== null,
  merged: (ctx: RevisionContext): boolean => ctx.merged !== null,
  testsFailed: (ctx: RevisionContext, p: ProfilesParams): boolean =>
    p.profiles.some((x) => { const r = ctx.results[x]; return r !== undefined && FAILED.has(r.verdict) }),
  testsPassed: (ctx: RevisionContext, p: ProfilesParams): boolean =>
    p.profiles.every((x) => ctx.results[x]?.verdict === 'pass'),
  testsStarted: (ctx: RevisionContext, p: ProfilesParams): boolean =>
    p.profiles.some((x) => ctx.jobs[x] !== undefined || ctx.results[x] !== undefined),
  reviewsMet: (ctx: RevisionContext, p: RulesParams): boolean =>
    p.rules.every((r) => countRule(ctx, r).fresh.length >= r.required),
  /** Enough approvals, but only when counting those given before a required result's build changed. */
  approvalsStale: (ctx: RevisionContext, p: RulesParams): boolean => {
    const counts = p.rules.map((r) => countRule(ctx, r))
    return counts.every((c) => c.fresh.length + c.stale.length >= c.rule.required) &&
      counts.some((c) => c.fresh.length < c.rule.required)
  },
  hasApprovals: (ctx: RevisionContext): boolean => Object.keys(ctx.opinions).some((id) => standing(ctx, id).approved)
}
