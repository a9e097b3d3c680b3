import { assign, setup } from 'xstate'
import type { Fact, ProfilesParams, RevisionContext, RevisionEvent, RevisionInput, RulesParams } from './revision-context.js'
import { applyEvent, batchFacts, checks, initialContext } from './revision-context.js'
import type { Replayed } from './replay.js'
import { Replay } from './replay.js'

/*
 * (b) Merge policy: the policy's checks as parallel regions over the same
 * facts as the lifecycle. Each region routes by named guards whose params
 * come from the policy (required profiles, review rules); the verdict is a
 * fixed function of the four regions.
 */

export const MERGE_POLICY_MACHINE = 'cairn/merge-policy'
/** Bump when the same events and policy could give another verdict, state or reasons: old decisions then say which rules they followed. */
export const MERGE_POLICY_VERSION = '2' // 2: reviews of earlier publications and replaced events count

type Verdict = 'merge' | 'reject' | 'needs-review' | 'needs-tests' | 'stale'

const profiles = ({ context }: { context: RevisionContext }): ProfilesParams => ({ profiles: context.req.profiles })
const rules = ({ context }: { context: RevisionContext }): RulesParams => ({ rules: context.req.reviews })

export const mergePolicy = setup({
  types: {} as {
    context: RevisionContext
    events: RevisionEvent
    input: RevisionInput
  },
  guards: {
    merged: ({ context }) => checks.merged(context),
    superseded: ({ context }) => checks.superseded(context),
    withdrawn: ({ context }) => checks.withdrawn(context),
    vetoed: ({ context }) => checks.vetoed(context),
    testsFailed: ({ context }, params: ProfilesParams) => checks.testsFailed(context, params),
    testsPassed: ({ context }, params: ProfilesParams) => checks.testsPassed(context, params),
    reviewsMet: ({ context }, params: RulesParams) => checks.reviewsMet(context, params),
    approvalsStale: ({ context }, params: RulesParams) => checks.approvalsStale(context, params)
  },
  actions: {
    record: assign(({ context, event }) => applyEvent(context, event)),
    /** Intent: one check of the policy changed its state (for a live view of the checklist). */
    changed: (_, _params: { check: string, state: string }) => {}
  }
}).createMachine({
  id: 'merge-policy',
  type: 'parallel',
  context: ({ input }) => initialContext(input),
  on: { '*': { actions: 'record' } },
  states: {
    status: region('status', [
      ['merged', { type: 'merged' }],
      ['superseded', { type: 'superseded' }],
      ['withdrawn', { type: 'withdrawn' }],
      ['open', null]
    ]),
    veto: region('veto', [
      ['vetoed', { type: 'vetoed' }],
      ['clear', null]
    ]),
    tests: region('tests', [
      ['failed', { type: 'testsFailed', params: profiles }],
      ['passed', { type: 'testsPassed', params: profiles }],
      ['pending', null]
    ]),
    reviews: region('reviews', [
      ['met', { type: 'reviewsMet', params: rules }],
      ['stale', { type: 'approvalsStale', params: rules }],
      ['short', null]
    ])
  }
})

type Guard =
  | { type: 'merged' | 'superseded' | 'withdrawn' | 'vetoed' }
  | { type: 'testsFailed' | 'testsPassed', params: typeof profiles }
  | { type: 'reviewsMet' | 'approvalsStale', params: typeof rules }

/** A region whose states are tried in priority order; the last one is the fallback and the initial state. */
function region<S extends string> (check: string, table: Array<[S, Guard | null]>) {
  const states: Record<string, object> = {}
  for (const [name] of table) {
    states[name] = {
      entry: { type: 'changed' as const, params: { check, state: name } },
      always: table.map(([target, guard]) => {
        if (target === name) return guard === null ? {} : { guard }
        return guard === null ? { target } : { target, guard }
      })
    }
  }
  const fallback = table[table.length - 1]?.[0] as S
  return { initial: fallback, states: states as Record<S, object> }
}

export interface PolicyChecks {
  status: 'open' | 'merged' | 'superseded' | 'withdrawn'
  veto: 'clear' | 'vetoed'
  tests: 'pending' | 'failed' | 'passed'
  reviews: 'short' | 'stale' | 'met'
}

/** The verdict from the four checks: rejections first, then staleness, then what is still missing. */
export function verdictOf (checksState: PolicyChecks): Verdict {
  if (checksState.status === 'superseded' || checksState.status === 'withdrawn') return 'reject'
  if (checksState.veto === 'vetoed' || checksState.tests === 'failed') return 'reject'
  if (checksState.reviews === 'stale') return 'stale'
  if (checksState.tests === 'pending') return 'needs-tests'
  if (checksState.reviews === 'short') return 'needs-review'
  return 'merge'
}

const replay = new Replay<RevisionContext, RevisionEvent, RevisionInput>(mergePolicy, initialContext, applyEvent)

/** Replay facts through the policy machine, all in one batch (FactBatch); see replay.ts. */
export function foldMergePolicy (input: RevisionInput, facts: Iterable<Fact>): Replayed<RevisionContext> {
  return replay.fold(input, batchFacts(facts))
}

export function checksOf (snapshot: { value: unknown }): PolicyChecks {
  return snapshot.value as PolicyChecks
}
