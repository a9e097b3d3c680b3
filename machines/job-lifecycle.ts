import { assign, initialTransition, setup, transition } from 'xstate'
import type { SnapshotFrom } from 'xstate'
import type { AnyEvent } from '../protocol/event.js'
import type { BodyOf } from '../protocol/schemas.js'
import { orderEvents } from './order.js'

/*
 * (d) Job lifecycle: queued -> claimed -> running -> done / failed /
 * aborted; an expired lease puts the job back in the queue. Time is an
 * input (`tick` events carry `now`), never the clock.
 */

type ResultVerdict = BodyOf<'result'>['verdict']

export type JobEvent =
  | { type: 'claim', runner: string, leaseUntil: number, at: number }
  | { type: 'progress', runner: string, step: string, state: string, at: number }
  | { type: 'result', runner: string, verdict: ResultVerdict, at: number }
  | { type: 'tick', now: number }

interface JobInput {
  job: string
  /** Identities with the runner role; null accepts any (tests, single-node setups). */
  runners?: readonly string[] | null
}

interface JobContext {
  job: string
  runners: readonly string[] | null
  runner: string | null
  leaseUntil: number | null
  /** Claims granted so far. */
  attempts: number
  step: string | null
  verdict: ResultVerdict | null
  /** Runners whose lease ran out, in order. */
  expired: string[]
}

interface RunnersParams { runners: readonly string[] | null }

const trusted = (runner: string, p: RunnersParams): boolean => p.runners === null || p.runners.includes(runner)
const runners = ({ context }: { context: JobContext }): RunnersParams => ({ runners: context.runners })
const PASSED: ReadonlySet<ResultVerdict> = new Set(['pass', 'reused'])
const FAILED: ReadonlySet<ResultVerdict> = new Set(['fail', 'error', 'apply-failed'])

export const jobLifecycle = setup({
  types: {} as {
    context: JobContext
    events: JobEvent
    input: JobInput
  },
  guards: {
    canClaim: ({ event }, p: RunnersParams) => event.type === 'claim' && trusted(event.runner, p) && event.leaseUntil > event.at,
    renewal: ({ context, event }) => event.type === 'claim' && event.runner === context.runner && event.leaseUntil > event.at,
    /** A claim arriving after the current lease ran out (when no tick came in between). */
    takeover: ({ context, event }, p: RunnersParams) => event.type === 'claim' && trusted(event.runner, p) &&
      context.leaseUntil !== null && event.at >= context.leaseUntil && event.leaseUntil > event.at,
    leaseExpired: ({ context, event }) => event.type === 'tick' && context.leaseUntil !== null && event.now >= context.leaseUntil,
    fromClaimant: ({ context, event }) => event.type === 'progress' && event.runner === context.runner,
    passed: ({ event }, p: RunnersParams) => event.type === 'result' && trusted(event.runner, p) && PASSED.has(event.verdict),
    failed: ({ event }, p: RunnersParams) => event.type === 'result' && trusted(event.runner, p) && FAILED.has(event.verdict),
    aborted: ({ event }, p: RunnersParams) => event.type === 'result' && trusted(event.runner, p) && event.verdict === 'aborted'
  },
  actions: {
    take: assign(({ context, event }) => event.type !== 'claim'
      ? context
      : { ...context, runner: event.runner, leaseUntil: event.leaseUntil, attempts: context.attempts + 1, step: null }),
    renew: assign(({ context, event }) => event.type !== 'claim' ? context : { ...context, leaseUntil: Math.max(context.leaseUntil ?? 0, event.leaseUntil) }),
    release: assign(({ context }) => ({ ...context, runner: null, leaseUntil: null, expired: context.runner === null ? context.expired : [...context.expired, context.runner] })),
    step: assign(({ context, event }) => event.type === 'progress' ? { ...context, step: event.step } : context),
    finish: assign(({ context, event }) => event.type === 'result' ? { ...context, verdict: event.verdict } : context),
    /** Intents for the node: */
    leaseGranted: (_, _params: { job: string, runner: string, leaseUntil: number }) => {},
    leaseExpired: (_, _params: { job: string, runner: string }) => {},
    claimRejected: (_, _params: { job: string, runner: string, holder: string }) => {},
    finished: (_, _params: { job: string, verdict: ResultVerdict }) => {}
  }
}).createMachine({
  id: 'job',
  context: ({ input }) => ({
    job: input.job,
    runners: input.runners ?? null,
    runner: null,
    leaseUntil: null,
    attempts: 0,
    step: null,
    verdict: null,
    expired: []
  }),
  initial: 'queued',
  on: {
    result: [
      { target: '.done', guard: { type: 'passed', params: runners }, actions: ['finish', finished()] },
      { target: '.failed', guard: { type: 'failed', params: runners }, actions: ['finish', finished()] },
      { target: '.aborted', guard: { type: 'aborted', params: runners }, actions: ['finish', finished()] }
    ]
  },
  states: {
    queued: {
      on: { claim: { target: 'leased', guard: { type: 'canClaim', params: runners }, actions: ['take', granted()] } }
    },
    leased: {
      initial: 'claimed',
      on: {
        tick: { target: 'queued', guard: 'leaseExpired', actions: [expired(), 'release'] },
        claim: [
          { guard: 'renewal', actions: ['renew', granted()] },
          { target: 'leased', reenter: true, guard: { type: 'takeover', params: runners }, actions: [expired(), 'release', 'take', granted()] },
          { actions: { type: 'claimRejected', params: ({ context, event }) => ({ job: context.job, runner: event.type === 'claim' ? event.runner : '', holder: context.runner ?? '' }) } }
        ]
      },
      states: {
        claimed: { on: { progress: { target: 'running', guard: 'fromClaimant', actions: 'step' } } },
        running: { on: { progress: { guard: 'fromClaimant', actions: 'step' } } }
      }
    },
    done: { type: 'final' },
    failed: { type: 'final' },
    /** The runner gave up (stopped, restarted): another claim may retry. */
    aborted: {
      on: { claim: { target: 'leased', guard: { type: 'canClaim', params: runners }, actions: ['take', granted()] } }
    }
  }
})

function granted () {
  return { type: 'leaseGranted' as const, params: ({ context }: { context: JobContext }) => ({ job: context.job, runner: context.runner ?? '', leaseUntil: context.leaseUntil ?? 0 }) }
}

function expired () {
  return { type: 'leaseExpired' as const, params: ({ context }: { context: JobContext }) => ({ job: context.job, runner: context.runner ?? '' }) }
}

function finished () {
  return { type: 'finished' as const, params: ({ event, context }: { context: JobContext, event: JobEvent }) => ({ job: context.job, verdict: event.type === 'result' ? event.verdict : context.verdict ?? 'aborted' }) }
}

export interface JobState {
  state: 'queued' | 'claimed' | 'running' | 'done' | 'failed' | 'aborted'
  runner: string | null
  leaseUntil: number | null
  attempts: number
  verdict: ResultVerdict | null
  expired: string[]
}

/**
 * Where a job stands at `now`: its job.claim, job.progress and result events
 * replayed in (ts, EventId) order, with the clock advanced to each event's
 * ts before it and to `now` at the end; it stops at the first result that
 * settles it (done, failed). A claim counts for its author, and only when
 * body.runner names the author.
 */
export function foldJob (jobId: string, events: Iterable<AnyEvent>, now: number, options: { runners?: readonly string[] | null } = {}): JobState {
  let [snapshot]: [SnapshotFrom<typeof jobLifecycle>, unknown] = initialTransition(jobLifecycle, { job: jobId, runners: options.runners ?? null })
  const step = (e: JobEvent): void => { [snapshot] = transition(jobLifecycle, snapshot, e) }
  for (const e of orderEvents(events)) {
    let ev: JobEvent | null = null
    if (e.type === 'job.claim' && e.body.job === jobId && e.body.runner === e.author) ev = { type: 'claim', runner: e.author, leaseUntil: e.body.leaseUntil, at: e.ts }
    else if (e.type === 'job.progress' && e.body.job === jobId) ev = { type: 'progress', runner: e.author, step: e.body.step, state: e.body.state, at: e.ts }
    else if (e.type === 'result' && e.body.job === jobId) ev = { type: 'result', runner: e.author, verdict: e.body.verdict, at: e.ts }
    if (ev === null) continue
    step({ type: 'tick', now: e.ts })
    step(ev)
    // done and failed are final: a later result (a second run, an abort) changes nothing. (xstate's pure transition would take it.)
    if (snapshot.status === 'done') break
  }
  if (snapshot.status !== 'done') step({ type: 'tick', now })
  const value = snapshot.value
  const state = (typeof value === 'string' ? value : (value as { leased: 'claimed' | 'running' }).leased) as JobState['state']
  const c = snapshot.context
  return { state, runner: c.runner, leaseUntil: c.leaseUntil, attempts: c.attempts, verdict: c.verdict, expired: [...c.expired] }
}
