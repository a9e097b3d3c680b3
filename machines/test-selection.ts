import { assign, enqueueActions, initialTransition, setup, transition } from 'xstate'
import type { SnapshotFrom } from 'xstate'
import type { CairnEvent, Draft } from '../protocol/event.js'
import { matchesAny } from './match.js'
import type { Policy } from './policy-file.js'

/*
 * (c) Test selection: from the paths a revision touches and the policy's
 * data (required profiles, per-path rules, selection rules) to drafts of
 * job.request events. The machine returns them as `requestJob` actions; the
 * caller signs and publishes them.
 */

/** What the caller knows about the project that the policy does not. */
export interface JobTemplate {
  repo: string
  /** Base commit when the revision names none. */
  base: string
  /** Recipe for every profile, unless `recipes` has one for it. */
  recipe?: Record<string, unknown>
  recipes?: Record<string, Record<string, unknown>>
  tags?: string[]
  priority?: number
}

/** Every profile a revision touching `paths` needs: the required ones, those of matching path rules and selection rules. Sorted. */
export function selectProfiles (paths: readonly string[], policy: Policy): string[] {
  const out = new Set(policy.tests.required)
  for (const rule of policy.paths) {
    if (matchesAny(rule.match, paths).length > 0) for (const p of rule.tests.required) out.add(p)
  }
  for (const rule of policy.selection) {
    if (matchesAny(rule.match, paths).length > 0) for (const p of rule.profiles) out.add(p)
  }
  return [...out].sort()
}

/** One job.request draft per profile, referring to the revision. */
export function jobDrafts (revision: CairnEvent<'series.revision'>, profiles: readonly string[], template: JobTemplate): Array<Draft<'job.request'>> {
  return profiles.map((profile) => ({
    type: 'job.request' as const,
    refs: [revision.id],
    body: {
      project: revision.body.project,
      repo: template.repo,
      base: revision.body.base ?? template.base,
      revision: revision.id,
      recipe: { ...(template.recipes?.[profile] ?? template.recipe ?? {}) },
      profile,
      tags: [...(template.tags ?? [])],
      priority: template.priority ?? 0
    }
  }))
}

interface SelectionInput {
  revision: CairnEvent<'series.revision'>
  policy: Policy
  template: JobTemplate
}

interface SelectionContext extends SelectionInput {
  touched: string[]
  /** Profiles that already have a job.request for this revision. */
  requested: string[]
}

type SelectionEvent =
  | { type: 'paths', paths: string[] }
  | { type: 'requested', profile: string }

interface PolicyParams { policy: Policy }

const missing = (ctx: SelectionContext, policy: Policy): string[] =>
  selectProfiles(ctx.touched, policy).filter((p) => !ctx.requested.includes(p))

export const testSelection = setup({
  types: {} as {
    context: SelectionContext
    events: SelectionEvent
    input: SelectionInput
  },
  guards: {
    nothingSelected: ({ context }, params: PolicyParams) => selectProfiles(context.touched, params.policy).length === 0,
    allRequested: ({ context }, params: PolicyParams) => missing(context, params.policy).length === 0
  },
  actions: {
    setPaths: assign({ touched: ({ event }) => event.type === 'paths' ? [...new Set(event.paths)].sort() : [] }),
    noteRequested: assign({
      requested: ({ context, event }) => event.type === 'requested' && !context.requested.includes(event.profile) ? [...context.requested, event.profile] : context.requested
    }),
    /** Intent: sign and publish this job.request. */
    requestJob: (_, _params: { draft: Draft<'job.request'> }) => {}
  }
}).createMachine({
  id: 'test-selection',
  context: ({ input }) => ({ ...input, touched: [], requested: [] }),
  initial: 'waiting',
  states: {
    waiting: {
      on: {
        requested: { actions: 'noteRequested' },
        paths: { target: 'choosing', actions: 'setPaths' }
      }
    },
    choosing: {
      always: [
        { target: 'none', guard: { type: 'nothingSelected', params: ({ context }) => ({ policy: context.policy }) } },
        { target: 'covered', guard: { type: 'allRequested', params: ({ context }) => ({ policy: context.policy }) } },
        { target: 'requested' }
      ]
    },
    /** No profile applies to these paths. */
    none: { type: 'final' },
    /** Every profile needed already has a job. */
    covered: { type: 'final' },
    requested: {
      type: 'final',
      entry: enqueueActions(({ context, enqueue }) => {
        for (const draft of jobDrafts(context.revision, missing(context, context.policy), context.template)) enqueue({ type: 'requestJob', params: { draft } })
      })
    }
  }
})

/** The drafts still to publish for a revision, replayed through the machine. */
export function selectJobs (input: SelectionInput, touched: readonly string[], alreadyRequested: readonly string[] = []): Array<Draft<'job.request'>> {
  let [snapshot]: [SnapshotFrom<typeof testSelection>, unknown] = initialTransition(testSelection, input)
  for (const profile of alreadyRequested) [snapshot] = transition(testSelection, snapshot, { type: 'requested', profile })
  const [, actions] = transition(testSelection, snapshot, { type: 'paths', paths: [...touched] })
  return actions.filter((a) => a.type === 'requestJob').map((a) => (a.params as { draft: Draft<'job.request'> }).draft)
}
