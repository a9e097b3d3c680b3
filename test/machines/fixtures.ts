import { createHash } from 'node:crypto'
import { initialTransition, transition } from 'xstate'
import type { AnyStateMachine } from 'xstate'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import type { KeyPair } from '../../protocol/crypto.js'
import type { AnyEvent, CairnEvent } from '../../protocol/event.js'
import { signEvent } from '../../protocol/event.js'
import { toHex } from '../../protocol/hex.js'
import type { BodyOf, EventType, Role } from '../../protocol/schemas.js'
import type { DecideContext } from '../../machines/facts.js'
import type { Policy } from '../../machines/policy-file.js'
import { parsePolicy } from '../../machines/policy-file.js'
import { foldIdentities, foldTrust } from '../../machines/trust.js'

/** A person or machine with a real ed25519 key; the key is derived from the name so runs are reproducible. */
interface Actor {
  name: string
  email: string
  key: string
  keyPair: KeyPair
}

export function actor (name: string, email = `${name.toLowerCase().split(' ')[0] ?? 'x'}@example.org`): Actor {
  const seed = createHash('sha256').update(`cairn test actor ${name}`).digest()
  const keyPair = nativeCrypto.keyPair(seed)
  return { name, email, key: toHex(keyPair.publicKey), keyPair }
}

export const SMALLEST_POLICY = 'reviews: { required: 2, role: reviewer }\ntests: { required: [quick] }\nveto: [Nacked-by]\n'

export function smallestPolicy (): Policy {
  return parsePolicy(SMALLEST_POLICY)
}

/** Builds a signed event set with a deterministic clock (1 s per event unless told). */
export class World {
  readonly events: AnyEvent[] = []
  readonly root = actor('Root Node', 'root@example.org')
  clock = 1_763_700_000_000

  emit<T extends EventType> (who: Actor, type: T, body: BodyOf<T>, opts: { refs?: string[], ts?: number } = {}): CairnEvent<T> {
    const ts = opts.ts ?? (this.clock += 1000)
    const { event } = signEvent({ type, body, ts, ...(opts.refs === undefined ? {} : { refs: opts.refs }) }, who.keyPair, nativeCrypto)
    this.events.push(event as AnyEvent)
    return event
  }

  trust (subject: Actor, ...roles: Role[]): CairnEvent<'trust.set'> {
    return this.emit(this.root, 'trust.set', { subject: subject.key, roles })
  }

  link (a: Actor): CairnEvent<'identity.link'> {
    return this.emit(a, 'identity.link', { feed: a.key, name: a.name, emails: [a.email] })
  }

  revision (author: Actor, opts: { series?: string, version?: number, patches?: number, project?: string, ts?: number, replaces?: string[] } = {}): CairnEvent<'series.revision'> {
    const n = opts.patches ?? 2
    const version = opts.version ?? 1
    return this.emit(author, 'series.revision', {
      project: opts.project ?? 'linux-xfs',
      series: opts.series ?? 'xfs-fix@example.org',
      version,
      subject: `xfs: fix log recovery (v${version})`,
      base: '0123456789abcdef0123456789abcdef01234567',
      total: n,
      patches: Array.from({ length: n }, (_, i) => ({ index: i + 1, subject: `xfs: part ${i + 1}`, author: { name: author.name, email: author.email } })),
      source: { messageIds: [`v${version}@example.org`] },
      ...(opts.replaces === undefined ? {} : { replaces: opts.replaces })
    }, opts.ts === undefined ? {} : { ts: opts.ts })
  }

  review (author: Actor, rev: { id: string }, trailers: Array<[string, string?]>, opts: { patch?: number, ts?: number } = {}): CairnEvent<'review'> {
    return this.emit(author, 'review', {
      target: { revision: rev.id, ...(opts.patch === undefined ? {} : { patch: opts.patch }) },
      trailers: trailers.map(([key, value]) => ({ key, value: value ?? `${author.name} <${author.email}>` }))
    }, { refs: [rev.id], ...(opts.ts === undefined ? {} : { ts: opts.ts }) })
  }

  job (publisher: Actor, rev: { id: string }, profile: string, opts: { ts?: number } = {}): CairnEvent<'job.request'> {
    return this.emit(publisher, 'job.request', {
      project: 'linux-xfs',
      repo: 'https://git.example.org/xfs.git',
      base: 'v6.18',
      revision: rev.id,
      recipe: { run: `make ${profile}` },
      profile,
      tags: ['x86_64'],
      priority: 0
    }, { refs: [rev.id], ...(opts.ts === undefined ? {} : { ts: opts.ts }) })
  }

  result (runner: Actor, job: { id: string }, verdict: BodyOf<'result'>['verdict'], build: string, opts: { ts?: number, reuses?: string } = {}): CairnEvent<'result'> {
    return this.emit(runner, 'result', {
      job: job.id,
      build,
      testRun: `${build}-run`,
      verdict,
      tests: [],
      logs: [],
      environment: { arch: 'x86_64' },
      ...(opts.reuses === undefined ? {} : { reuses: opts.reuses })
    }, { refs: [job.id], ...(opts.ts === undefined ? {} : { ts: opts.ts }) })
  }

  /** Trust and identities as the root node sees them, plus the caller's path and patch-id maps. */
  context (touched: Record<string, string[]>, patchIds: Record<string, string[]> = {}): DecideContext {
    return {
      trust: foldTrust(this.events, this.root.key),
      identities: foldIdentities(this.events),
      touched: new Map(Object.entries(touched)),
      patchIds: new Map(Object.entries(patchIds))
    }
  }
}

/** The usual cast: two reviewers, a maintainer, a runner, a mail bridge, and people nobody trusts. */
export function cast (w: World): Record<'dev' | 'alice' | 'bob' | 'carol' | 'mallory' | 'runner' | 'rogueRunner' | 'bridge' | 'erin' | 'dave', Actor> {
  const people = {
    dev: actor('Dev Eloper', 'dev@example.org'),
    alice: actor('Alice Reviewer', 'alice@example.org'),
    bob: actor('Bob Reviewer', 'bob@example.org'),
    carol: actor('Carol Maintainer', 'carol@example.org'),
    mallory: actor('Mallory Untrusted', 'mallory@example.org'),
    runner: actor('Lab Runner', 'lab@example.org'),
    rogueRunner: actor('Rogue Runner', 'rogue@example.org'),
    bridge: actor('Mail Bridge', 'bridge@example.org'),
    erin: actor('Erin Mailer', 'erin@example.org'),
    dave: actor('Dave Stranger', 'dave@example.org')
  }
  w.trust(people.alice, 'reviewer')
  w.trust(people.bob, 'reviewer')
  w.trust(people.carol, 'maintainer')
  w.trust(people.runner, 'runner')
  w.trust(people.bridge, 'bridge')
  w.trust(people.erin, 'reviewer')
  for (const p of Object.values(people)) w.link(p)
  return people
}

export const BUILD_1 = '0ydnqxlkkd5pkq7b6f3awkg5d1s8s8rm9ysb8f4fjqchdbw2ci7x'
export const BUILD_2 = '1mk5f3nmv8wbj4gxsvd7y5rq0l2dy2c0n3vq1i6b6cgzpn1xq0ha'

/**
 * The reference a replay is checked against: one XState transition() per
 * fact, no batching, no memo. It stops at a final state as an actor does
 * (the pure transition() would move a done snapshot on: merged, then superseded).
 */
export function stepByStep (machine: AnyStateMachine, input: unknown, facts: readonly unknown[]): { value: unknown, context: unknown, done: boolean } {
  let [s] = initialTransition(machine, input)
  for (const f of facts) if (s.status !== 'done') [s] = transition(machine, s, f as never)
  return { value: s.value, context: s.context, done: s.status === 'done' }
}
