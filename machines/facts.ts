import type { AnyEvent, CairnEvent } from '../protocol/event.js'
import { CairnError } from '../protocol/errors.js'
import type { BodyOf } from '../protocol/schemas.js'
import { carryOver, sameSeriesAs, standsFor } from './carry-over.js'
import type { StandsFor } from './carry-over.js'
import { maintainerEmails } from './maintainers.js'
import { MetricFacts } from './metric-facts.js'
import type { Policy } from './policy-file.js'
import { requirements, reviewersOf } from './requirements.js'
import type { Fact, Requirements, RevisionInput } from './revision-context.js'
import { short } from './order.js'
import type { Identities, Trust } from './trust.js'
import { hasRole, parsePerson } from './trust.js'


/** Trailer a revision's author (or a maintainer) uses to withdraw it. */
const WITHDRAW_TRAILER = 'Withdrawn-by'

/** Everything decide needs besides the events and the policy; computed by the caller and never changed in place (derived data is cached by these objects). */
export interface DecideContext {
  trust: Trust
  identities: Identities
  /** Paths each revision touches (pathsFromDiff over its patches' diffs), by revision EventId. */
  touched: ReadonlyMap<string, readonly string[]>
  /** patch-id of each patch in order (patchId over each diff), by revision EventId. */
  patchIds: ReadonlyMap<string, readonly string[]>
}

interface Gathered {
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
type Verdict = Exclude<CairnEvent<'result'>['body']['verdict'], 'reused'>

/**
 * Turn the event set into facts about one revision, applying trust: which
 * trailers count and for whom, which results count, what carries over from
 * earlier revisions. `events` must already be in (ts, EventId) order.
 */
export function gatherFacts (revisionId: string, events: readonly AnyEvent[], policy: Policy, ctx: DecideContext): Gathered {
  const rev = events.find((e): e is Revision => e.type === 'series.revision' && e.id === revisionId)
  if (rev === undefined) throw new CairnError('DECIDE', `revision ${revisionId} is not among the events given`)
  const gathering = new Gathering(rev, events, policy, ctx)
  for (const e of events) gathering.take(e)
  return gathering.finish()
}

/** One revision's facts being gathered: the trust-derived rules first, then one method per kind of event. */
class Gathering {
  private readonly inputs: Set<string>
  private readonly notes: string[] = []
  private readonly facts: Fact[] = []
  private readonly req: Requirements
  private readonly isMaintainer: (id: string) => boolean
  private readonly byEmail: ReadonlyMap<string, string>
  private readonly trailerKeys: Map<string, string>
  private readonly sameSeries: (e: AnyEvent) => e is Revision
  private readonly standsFor: StandsFor
  private readonly carried: Map<string, number>
  private readonly carryNotes: Map<string, string>
  /** Non-missing patch indexes, ascending. */
  private readonly patchIndexes: number[]
  /** Lower-cased addresses of the patches' authors. */
  private readonly patchAuthors: Set<string>
  /** Job requests for a required profile: job id -> its body. */
  private readonly jobs = new Map<string, BodyOf<'job.request'>>()
  /** The policy's metric gate, when it has one. */
  private readonly metrics: MetricFacts | null
  private readonly resultsById = new Map<string, CairnEvent<'result'>>()
  /** Other revisions whose reviews produced a fact. */
  private readonly contributed = new Set<string>()

  constructor (private readonly rev: Revision, events: readonly AnyEvent[], private readonly policy: Policy, private readonly ctx: DecideContext) {
    const touched = ctx.touched.get(rev.id)
    if (touched === undefined) throw new CairnError('DECIDE', `the paths touched by revision ${short(rev.id)} were not given (touched map)`)
    const maintainers = policy.maintainers === null ? null : policy.maintainers.parsed
    if (policy.maintainers !== null && maintainers === null) {
      throw new CairnError('POLICY', `the policy names ${policy.maintainers.file} but its text was not attached (withMaintainers)`)
    }

    // Trust: who is a reviewer, by key and by address, and who maintains the touched paths.
    const { trusted, emailsOf, byEmail } = reviewersOf(ctx.trust, ctx.identities)
    const listedIn = (id: string, emails: ReadonlySet<string>): boolean => emailsOf(id).some((e) => emails.has(e))
    const touchedMaintainers = maintainers === null ? new Set<string>() : maintainerEmails(maintainers, touched)
    this.isMaintainer = (id) => hasRole(ctx.trust, id, 'maintainer') || listedIn(id, touchedMaintainers)
    this.byEmail = byEmail
    this.req = requirements(policy, touched, trusted, (id, role) => hasRole(ctx.trust, id, role), (paths) => {
      if (maintainers === null) return null
      const emails = maintainerEmails(maintainers, paths)
      return (id) => listedIn(id, emails)
    })

    this.inputs = new Set<string>([rev.id])
    this.trailerKeys = knownTrailers(policy)
    this.sameSeries = sameSeriesAs(rev, ctx.trust)
    this.standsFor = standsFor(rev, events)
    const carry = carryOver(rev, events.filter(this.sameSeries), policy, ctx.patchIds)
    this.carried = carry.carried
    this.carryNotes = carry.carryNotes
    for (const { id, note } of carry.refused) {
      this.notes.push(note)
      this.inputs.add(id)
    }

    this.patchIndexes = rev.body.patches.filter((p) => p.missing !== true).map((p) => p.index).sort((a, b) => a - b)
    this.patchAuthors = new Set(rev.body.patches.map((p) => p.author?.email.toLowerCase()).filter((e): e is string => e !== undefined))
    for (const e of events) if (e.type === 'result') this.resultsById.set(e.id, e)
    this.metrics = policy.metrics === undefined ? null : new MetricFacts(policy.metrics, (e) => this.resolve(e))
  }

  take (e: AnyEvent): void {
    switch (e.type) {
      case 'series.revision':
        if (this.sameSeries(e) && e.body.version > this.rev.body.version) this.add(e, { type: 'supersede', id: e.id, version: e.body.version })
        break
      case 'review':
        this.review(e)
        break
      case 'job.request':
        this.metrics?.job(e)
        if (e.body.revision === this.rev.id && this.req.profiles.includes(e.body.profile)) {
          this.jobs.set(e.id, e.body)
          this.add(e, { type: 'job', id: e.id, profile: e.body.profile })
        }
        break
      case 'result':
        this.result(e)
        break
      case 'merge':
        if (e.body.revision === this.rev.id && hasRole(this.ctx.trust, e.author, 'maintainer')) {
          this.add(e, { type: 'merge', id: e.id, branch: e.body.branch, commit: e.body.commit })
        }
        break
    }
  }

  /** Notes for the other revisions whose reviews counted, then the result. */
  finish (): Gathered {
    for (const [id, note] of this.carryNotes) {
      if (!this.contributed.has(id)) continue
      this.notes.push(note)
      this.inputs.add(id)
    }
    for (const id of [...this.standsFor.ids].sort()) {
      if (!this.contributed.has(id)) continue
      this.notes.push(`reviews of ${short(id)} count for this revision: ${this.standsFor.replaced.has(id) ? 'it replaces that event' : 'an earlier publication of the same version'}`)
      this.inputs.add(id)
    }
    const rev = this.rev
    const facts = this.metrics === null ? this.facts : this.metrics.apply(this.facts, this.inputs, this.notes)
    return {
      revision: rev,
      input: { revision: rev.id, version: rev.body.version, patches: this.patchIndexes, req: this.req },
      facts,
      inputs: [...this.inputs].sort(),
      notes: this.notes
    }
  }

  private add (e: AnyEvent, fact: Fact): void {
    this.facts.push(fact)
    this.inputs.add(e.id)
  }

  /** A review of this revision, of one standing for it, or of one whose reviews carry over. */
  private review (e: CairnEvent<'review'>): void {
    const target = e.body.target.revision
    const same = target === this.rev.id || this.standsFor.ids.has(target)
    const carriedFrom = same ? undefined : this.carried.get(target)
    if (!same && carriedFrom === undefined) return
    let patch = e.body.target.patch
    if (patch === 0 && !this.patchIndexes.includes(0)) patch = undefined // patch 0 is the cover letter: the whole series
    if (patch !== undefined && !this.patchIndexes.includes(patch)) return
    const before = this.facts.length
    this.reviewFacts(e, patch, carriedFrom).forEach((f) => this.add(e, f))
    if (target !== this.rev.id && this.facts.length > before) this.contributed.add(target)
  }

  /** Trailers that count: by a trusted reviewer directly, or relayed by a bridge for a trusted address. */
  private reviewFacts (e: CairnEvent<'review'>, patchIndex: number | undefined, carriedFrom: number | undefined): Fact[] {
    const out: Fact[] = []
    const trust = this.ctx.trust
    const speaks = hasRole(trust, e.author, 'reviewer', 'maintainer')
    // A reply the bridge read from mail (it names the mail's Message-ID) relays the sender's trailers; a
    // review without one from an identity that is also a reviewer is its own word (a node trusts itself
    // for every role, bridge included: its own `cairn review` must count on its own node).
    const bridge = hasRole(trust, e.author, 'bridge') && (e.body.messageId !== undefined || !speaks)
    const direct = !bridge && speaks
    const patch = patchIndex === undefined ? {} : { patch: patchIndex }
    const from = carriedFrom === undefined ? {} : { carried: carriedFrom }
    for (const t of e.body.trailers) {
      const key = this.trailerKeys.get(t.key.trim().toLowerCase()) ?? null
      if (key === null) continue
      const person = parsePerson(t.value)
      // A bridge relays other people's trailers: they count for the trusted identity owning the address.
      const identity = bridge ? (person.email === '' ? undefined : this.byEmail.get(person.email)) : direct ? e.author : undefined
      const shown = t.value.trim() !== '' ? t.value.trim() : `key ${short(e.author)}`
      if (key === WITHDRAW_TRAILER) {
        if (carriedFrom !== undefined) continue
        const allowed = e.author === this.rev.author || (bridge && this.patchAuthors.has(person.email)) || (identity !== undefined && this.isMaintainer(identity))
        out.push(allowed ? { type: 'withdraw', id: e.id, who: identity === undefined ? shown : this.display(identity, shown) } : { type: 'untrusted', id: e.id, key, who: shown })
        continue
      }
      if (identity === undefined) {
        out.push({ type: 'untrusted', id: e.id, key, who: shown })
        continue
      }
      const who = this.display(identity, shown)
      if (this.policy.veto.includes(key)) out.push({ type: 'veto', id: e.id, identity, key, who, maintainer: this.isMaintainer(identity), ...patch, ...from })
      else out.push({ type: 'approve', id: e.id, identity, key, who, ...patch, ...from })
    }
    return out
  }

  /** Results that count: for a required job of this revision, from a trusted runner. */
  private result (e: CairnEvent<'result'>): void {
    const trusted = hasRole(this.ctx.trust, e.author, 'runner')
    if (trusted) this.metrics?.result(e)
    const job = e.body.job === undefined ? undefined : this.jobs.get(e.body.job)
    if (job === undefined) return
    const profile = job.profile
    if (!trusted) {
      this.add(e, { type: 'untrusted-result', id: e.id, profile, runner: e.author })
      return
    }
    const run = this.resolve(e)
    if (run === null) {
      this.notes.push(`result ${short(e.id)} reuses a result that is not available or not from a trusted runner`)
      this.inputs.add(e.id)
      return
    }
    const fact = { type: 'result' as const, id: e.id, profile, verdict: run.body.verdict as Verdict, build: e.body.build, runner: e.author }
    this.add(e, fact)
    this.metrics?.gated(fact, job, e)
  }

  /** The run a result stands for: itself, or what a 'reused' result names (which must be a trusted runner's). */
  private resolve (e: CairnEvent<'result'>): CairnEvent<'result'> | null {
    let cur = e
    for (let hops = 0; hops < 8; hops++) {
      if (cur.body.verdict !== 'reused') return cur
      const next = cur.body.reuses === undefined ? undefined : this.resultsById.get(cur.body.reuses)
      if (next === undefined || !hasRole(this.ctx.trust, next.author, 'runner')) return null
      this.inputs.add(next.id)
      cur = next
    }
    return null
  }

  /** How a reviewer is named in reasons: their linked name and address, else what the trailer said. */
  private display (id: string, fallback: string): string {
    const ident = this.ctx.identities.get(id)
    const email = ident?.emails[0]
    if (ident?.name !== undefined && email !== undefined) return `${ident.name} <${email}>`
    if (email !== undefined) return `<${email}>`
    if (ident?.name !== undefined) return ident.name
    return fallback !== '' ? fallback : `key ${short(id)}`
  }
}

/** Trailer keys compare case-insensitively (as b4 does); the policy's spelling is kept. Lower-cased key -> the policy's. */
function knownTrailers (policy: Policy): Map<string, string> {
  const out = new Map<string, string>()
  for (const k of [...policy.reviews.trailers, ...policy.veto, WITHDRAW_TRAILER]) if (!out.has(k.toLowerCase())) out.set(k.toLowerCase(), k)
  return out
}
