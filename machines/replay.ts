import { isDeepStrictEqual } from 'node:util'
import { initialTransition, transition } from 'xstate'
import type { AnyStateMachine, EventObject, StateValue } from 'xstate'
import { CairnError } from '../protocol/errors.js'

/*
 * Replaying a machine fast. XState's pure transition() costs tens of
 * microseconds a step (it builds a throwaway actor, then walks the state
 * tree), so deciding 10,000 revisions through it takes seconds. The revision
 * machines let us do better without leaving XState: their guards read only
 * the context, and only the root's `record` action changes the context (with
 * the same pure reducer we hold). So the next state is fixed by the current
 * state, the event's type and the verdict of every guard on the context
 * after the event: replay computes that key and asks XState once per
 * distinct key. Each answer XState gives is checked against the reducer, so
 * a machine that breaks the contract fails loudly instead of deciding wrong.
 */

export interface Replayed<C> {
  value: StateValue
  context: C
  /** The machine reached a final state: later events change nothing. */
  done: boolean
}

type Guard<C> = (context: C, event: EventObject) => boolean
interface Step { value: StateValue, key: string, done: boolean }

export class Replay<C, E extends EventObject, I> {
  private readonly guards: Array<Guard<C>>
  private readonly memo = new Map<string, Step>()

  constructor (
    private readonly machine: AnyStateMachine,
    private readonly start: (input: I) => C,
    private readonly reduce: (context: C, event: E) => C
  ) {
    this.guards = guardsOf<C>(machine)
  }

  /** The state after `events`, as XState's initialTransition and transition would give it. */
  fold (input: I, events: Iterable<E>): Replayed<C> {
    let context = this.start(input)
    let step = this.memo.get(`init|${this.verdicts(context, { type: 'xstate.init' })}`) ?? this.initial(input, context)
    for (const event of events) {
      if (step.done) break
      const next = this.reduce(context, event)
      const key = `${step.key}|${event.type}|${this.verdicts(next, event)}`
      step = this.memo.get(key) ?? this.miss(key, step, context, event, next)
      context = next
    }
    return { value: step.value, context, done: step.done }
  }

  private verdicts (context: C, event: EventObject): string {
    let bits = ''
    for (const g of this.guards) bits += g(context, event) ? '1' : '0'
    return bits
  }

  private initial (input: I, context: C): Step {
    const [snapshot] = initialTransition(this.machine, input)
    this.check(snapshot.context, context, 'start')
    return this.remember(`init|${this.verdicts(context, { type: 'xstate.init' })}`, snapshot.value, snapshot.status === 'done')
  }

  private miss (key: string, from: Step, context: C, event: E, next: C): Step {
    const snapshot = this.machine.resolveState({ value: from.value, context })
    const [after] = transition(this.machine, snapshot, event)
    this.check(after.context, next, event.type)
    return this.remember(key, after.value, after.status === 'done')
  }

  private remember (key: string, value: StateValue, done: boolean): Step {
    const step = { value, key: JSON.stringify(value), done }
    this.memo.set(key, step)
    return step
  }

  private check (fromMachine: unknown, fromReducer: C, where: string): void {
    if (!isDeepStrictEqual(fromMachine, fromReducer)) {
      throw new CairnError('MACHINE', `${this.machine.id}: on ${where} the machine's context differs from the reducer's; replay needs the context changed only by the reducer`)
    }
  }
}

/**
 * Every guard the machine can evaluate, as a function of the context. Only
 * named guards with static or context-derived params are supported; others
 * (inline functions, and/or/not) are refused when the Replay is built.
 */
function guardsOf<C> (machine: AnyStateMachine): Array<Guard<C>> {
  const impls = (machine.implementations.guards ?? {}) as Record<string, (args: { context: C, event: EventObject }, params: unknown) => boolean>
  const guards: Array<Guard<C>> = []
  const seen = new Map<string, unknown[]>() // type -> params already listed (a routing table repeats them)
  const visit = (node: AnyStateMachine['root']): void => {
    for (const t of [...(node.always ?? []), ...[...node.transitions.values()].flat()]) {
      const g: unknown = t.guard
      if (g === undefined) continue
      if (typeof g !== 'object' || g === null || typeof (g as { type?: unknown }).type !== 'string') {
        throw new CairnError('MACHINE', `${machine.id}: replay supports named guards only (state ${node.id})`)
      }
      const { type, params } = g as { type: string, params?: unknown }
      const impl = impls[type]
      if (impl === undefined) throw new CairnError('MACHINE', `${machine.id}: guard ${type} has no implementation`)
      const listed = seen.get(type) ?? []
      if (listed.includes(params)) continue
      seen.set(type, [...listed, params])
      guards.push((context, event) => impl({ context, event }, typeof params === 'function' ? params({ context, event }) : params))
    }
    for (const child of Object.values(node.states)) visit(child)
  }
  visit(machine.root)
  return guards
}
