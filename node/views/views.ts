import { foldIdentities, foldTrust } from '../../machines/trust.js'
import type { Identity } from '../../machines/trust.js'
import type { AnyEvent } from '../../protocol/event.js'
import type { EventType, Role } from '../../protocol/schemas.js'

/** An event as the views keep it: the verified event and where it was read. */
export type IndexedEvent = AnyEvent & { feed: string, seq: number }

export interface Rejection {
  feed: string
  seq: number
  /** Position of the event inside its block; absent when the whole block was rejected. */
  index?: number
  code: string
  reason: string
}

/** The order every node agrees on across feeds: (ts, EventId), never arrival. */
export function byTsThenId (a: { ts: number, id: string }, b: { ts: number, id: string }): number {
  return a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/**
 * The order `log` shows, the same on every node: (ts, EventId) across
 * feeds, while each feed's events keep their feed order (events written
 * before ts was kept increasing, in one millisecond or across a clock step
 * back). An event sorts by the greatest (ts, id) of its feed up to it, then
 * by its place. `list` holds each feed's events in feed order, as the views do.
 */
export function inFeedOrder (list: readonly IndexedEvent[]): IndexedEvent[] {
  const latest = new Map<string, { ts: number, id: string }>()
  const keyed = list.map((event, place) => {
    const before = latest.get(event.feed)
    const key = before !== undefined && byTsThenId(before, event) > 0 ? before : event
    latest.set(event.feed, key)
    return { ts: key.ts, id: key.id, place, event }
  })
  return keyed.sort((a, b) => byTsThenId(a, b) || a.place - b.place).map((k) => k.event)
}

/**
 * Local, derived, disposable views: a pure fold over verified events.
 * `apply` must be deterministic and touch only the views (autobase's rule),
 * so reindex from the feeds gives the same views.
 */
export class Views {
  readonly events = new Map<string, IndexedEvent>()
  readonly byType = new Map<EventType, IndexedEvent[]>()
  readonly byAuthor = new Map<string, IndexedEvent[]>()
  readonly rejected: Rejection[] = []
  /** Per feed (hex key): how many blocks have been indexed. */
  readonly checkpoints = new Map<string, number>()
  duplicates = 0
  /** Bumped by every change: derived indexes are valid for one version. */
  version = 0
  private readonly memos = new Map<string, { version: number, value: unknown }>()
  private readonly listeners = new Set<(event: IndexedEvent) => void>()

  constructor (readonly root: string) {}

  clear (): void {
    for (const map of [this.events, this.byType, this.byAuthor, this.checkpoints, this.memos]) map.clear()
    this.rejected.length = 0
    this.duplicates = 0
    this.version++
  }

  /**
   * A derived index (series by Message-ID, results by build identity...),
   * computed on demand from the fold and cached until the views change. Domain
   * views live in node/views/*.ts as pure functions over this class.
   */
  derive<T> (key: string, compute: (views: Views) => T): T {
    const memo = this.memos.get(key)
    if (memo !== undefined && memo.version === this.version) return memo.value as T
    const value = compute(this)
    this.memos.set(key, { version: this.version, value })
    return value
  }

  /** Be told of every event as it enters the views (live pages, the daemon's policy loop). */
  subscribe (listener: (event: IndexedEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  apply (event: IndexedEvent): void {
    if (this.events.has(event.id)) {
      this.duplicates++ // the same signed event relayed in two feeds
      return
    }
    this.version++
    this.events.set(event.id, event)
    push(this.byType, event.type, event)
    push(this.byAuthor, event.author, event)
    for (const listener of this.listeners) listener(event)
  }

  reject (rejection: Rejection): void {
    this.version++
    this.rejected.push(rejection)
  }

  /** All events in log order (inFeedOrder), optionally filtered. */
  query (filter: { type?: string, author?: string } = {}): IndexedEvent[] {
    let list: IndexedEvent[]
    if (filter.type !== undefined) list = this.byType.get(filter.type as EventType) ?? []
    else if (filter.author !== undefined) list = this.byAuthor.get(filter.author) ?? []
    else list = [...this.events.values()]
    if (filter.type !== undefined && filter.author !== undefined) list = list.filter((e) => e.author === filter.author)
    return inFeedOrder(list)
  }

  /** Trust as this node's own identity set it (machines/trust.ts is the one definition policies use too). */
  get trust (): Map<string, Set<Role>> {
    return this.derive('trust', (v) => foldTrust(v.byType.get('trust.set') ?? [], v.root))
  }

  /** Names and emails identities claim for themselves (identity.link). */
  get identities (): Map<string, Identity> {
    return this.derive('identities', (v) => foldIdentities(v.byType.get('identity.link') ?? []))
  }
}

function push<K, V> (map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}
