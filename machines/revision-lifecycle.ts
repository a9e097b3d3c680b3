import { assign, setup } from 'xstate'
import type { Fact, ProfilesParams, RevisionContext, RevisionEvent, RevisionInput, RulesParams } from './revision-context.js'
import { applyEvent, batchFacts, checks, initialContext } from './revision-context.js'
import type { Replayed } from './replay.js'
import { Replay } from './replay.js'

/*
 * (a) Revision lifecycle: new -> testing -> tested (pass / fail) -> reviewed
 * -> ready -> merged; superseded by a newer revision; rejected (a counted
 * veto, or withdrawn); stale when a required result's build identity changed
 * after approval. Every fact is recorded by the root, then each state routes
 * by the same priority list, so the state is a function of the facts so far.
 */

const profiles = ({ context }: { context: RevisionContext }): ProfilesParams => ({ profiles: context.req.profiles })
const rules = ({ context }: { context: RevisionContext }): RulesParams => ({ rules: context.req.reviews })
const both = ({ context }: { context: RevisionContext }): ProfilesParams & RulesParams => ({ profiles: context.req.profiles, rules: context.req.reviews })

export const revisionLifecycle = setup({
  types: {} as {
    context: RevisionContext
    events: RevisionEvent
    input: RevisionInput
  },
  // One named guard per state, each a pure function of the facts and of params taken from the policy.
  guards: {
    vetoedOrWithdrawn: ({ context }) => checks.vetoed(context) || checks.withdrawn(context),
    testsFailed: ({ context }, params: ProfilesParams) => checks.testsFailed(context, params),
    approvalsStale: ({ context }, params: RulesParams) => checks.approvalsStale(context, params),
    readyToMerge: ({ context }, params: ProfilesParams & RulesParams) => checks.testsPassed(context, params) && checks.reviewsMet(context, params),
    testsRunning: ({ context }, params: ProfilesParams) => checks.testsStarted(context, params) && !checks.testsPassed(context, params),
    hasApprovals: ({ context }) => checks.hasApprovals(context),
    testsPassed: ({ context }, params: ProfilesParams) => checks.testsStarted(context, params) && checks.testsPassed(context, params)
  },
  actions: {
    record: assign(({ context, event }) => applyEvent(context, event)),
    /** Intent for the node: tell people (UI, mail bridge) the revision reached `state`. */
    announce: (_, _params: { revision: string, state: string }) => {},
    /** Intent: queued jobs of a superseded revision need not run. */
    cancelJobs: (_, _params: { revision: string }) => {},
    /** Intent: approvals went stale, ask the reviewers to look again. */
    requestReview: (_, _params: { revision: string }) => {}
  }
}).createMachine({
  id: 'revision',
  context: ({ input }) => initialContext(input),
  initial: 'new',
  on: {
    supersede: { target: '.superseded', actions: 'record' },
    merge: { target: '.merged', actions: 'record' },
    '*': { actions: 'record' }
  },
  states: {
    new: { always: route('new') },
    testing: { always: route('testing') },
    tested: {
      initial: 'pass',
      states: {
        pass: { entry: announce('tested.pass'), always: route('tested.pass') },
        fail: { entry: announce('tested.fail'), always: route('tested.fail') }
      }
    },
    reviewed: { always: route('reviewed') },
    ready: { entry: announce('ready'), always: route('ready') },
    stale: { entry: { type: 'requestReview', params: ({ context }) => ({ revision: context.revision }) }, always: route('stale') },
    rejected: { entry: announce('rejected'), always: route('rejected') },
    superseded: { type: 'final', entry: { type: 'cancelJobs', params: ({ context }) => ({ revision: context.revision }) } },
    merged: { type: 'final', entry: announce('merged') }
  }
})

function announce (state: string) {
  return { type: 'announce' as const, params: ({ context }: { context: RevisionContext }) => ({ revision: context.revision, state }) }
}

/** The routing table in priority order; the state's own entry becomes targetless so staying put re-runs no entry action. */
function route (self: string) {
  const table = [
    { target: '#revision.rejected', guard: { type: 'vetoedOrWithdrawn' as const } },
    { target: '#revision.tested.fail', guard: { type: 'testsFailed' as const, params: profiles } },
    { target: '#revision.stale', guard: { type: 'approvalsStale' as const, params: rules } },
    { target: '#revision.ready', guard: { type: 'readyToMerge' as const, params: both } },
    { target: '#revision.testing', guard: { type: 'testsRunning' as const, params: profiles } },
    { target: '#revision.reviewed', guard: { type: 'hasApprovals' as const } },
    { target: '#revision.tested.pass', guard: { type: 'testsPassed' as const, params: profiles } },
    { target: '#revision.new', guard: undefined }
  ]
  return table.map((r) => {
    if (r.target !== `#revision.${self}`) return r.guard === undefined ? { target: r.target } : r
    return r.guard === undefined ? {} : { guard: r.guard }
  })
}

/** 'tested.pass' for { tested: 'pass' }: the form a decision body carries. */
export function stateName (value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null) {
    const [k, v] = Object.entries(value)[0] ?? []
    return k === undefined ? '' : `${k}.${stateName(v)}`
  }
  return ''
}

/** Facts with a transition of their own: everything between them is recorded in one batch. */
const finalEdge = (f: Fact): boolean => f.type === 'supersede' || f.type === 'merge'

const replay = new Replay<RevisionContext, RevisionEvent, RevisionInput>(revisionLifecycle, initialContext, applyEvent)

/**
 * Replay facts through the lifecycle: the state XState's pure
 * initialTransition/transition give, computed once per distinct step
 * (replay.ts). Runs of facts go in as batches (FactBatch); once a final state
 * is reached the rest changes nothing, as the machine is done.
 */
export function foldLifecycle (input: RevisionInput, facts: Iterable<Fact>): Replayed<RevisionContext> {
  return replay.fold(input, batchFacts(facts, finalEdge))
}
