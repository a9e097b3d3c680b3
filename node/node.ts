import { existsSync, rmSync } from 'node:fs'
import Corestore from 'corestore'
import { discoveryKey } from 'hypercore-crypto'
import type Hypercore from 'hypercore'
import type { Crypto, KeyPair } from '../protocol/crypto.js'
import { nativeCrypto } from '../protocol/crypto-native.js'
import { CairnError } from '../protocol/errors.js'
import type { CairnEvent, Draft } from '../protocol/event.js'
import { fromHex, toHex } from '../protocol/hex.js'
import type { BlobRef, BodyOf, EventType, Role } from '../protocol/schemas.js'
import { BlobStore } from './storage/blobs.js'
import { openStore, pruneRocksLogs } from './storage/store-open.js'
import { LengthRecord } from './storage/length-record.js'
import { CryptoPool } from './crypto/pool.js'
import { createIdentity, loadIdentity } from './storage/identity.js'
import { recordHomeKeys } from './storage/keys.js'
import { closeViews } from './views/db/summary.js'
import { assertPrivateHome, ensureDir, homePaths, isInitialised, makePrivate, readJson, writeJson, type HomePaths } from './storage/home.js'
import { lockHolder, takeHomeLock } from './storage/pid-lock.js'
import { Indexer } from './views/indexer.js'
import type { IndexProgress } from './views/indexer.js'
import { OwnFeed } from './storage/own-feed.js'
import { openDb } from './views/db/schema.js'
import { staleViews } from './views/check.js'
import { Views } from './views/views.js'
import type { IndexedEvent } from './views/views.js'
import { announceLimits, assertFeedKey, choose, chosenByLink, migrateFollow, rank } from './net/follow-policy.js'
import type { AnnounceLimits, Announced, FeedKind, Follow } from './net/follow-policy.js'
import { carriedScopes, feedScopes } from './net/scopes.js'
import { feedStatus, type NodeStatus } from './node-status.js'

export type { FeedKind, Follow } from './net/follow-policy.js'
export type { NodeStatus } from './node-status.js'

/** Durable node state outside the store: its name and what it follows. */
interface State {
  name: string
  /** Read only to migrate homes made before own-length existed. */
  ownLength?: number
  follows: Record<string, Follow>
  /** Feeds the user unfollowed by key: no announcement brings them back, only `follow`. */
  unfollowed?: string[]
  /** Follow by interest: the scopes (project:NAME, list:NAME, path:GLOB) announced feeds must share or reach to be adopted (net/scopes.ts). */
  interest?: string[]
  /** Caps on announced feeds (OpenOptions.announceLimits wins); defaults DEFAULT_ANNOUNCE_LIMITS. */
  announceLimits?: Partial<AnnounceLimits>
}

export interface OpenOptions {
  crypto?: Crypto
  onProgress?: (p: IndexProgress) => void
  /**
   * Open beside the process that holds the home (a daemon), to read: no lock
   * is taken and nothing is written; the views are what that process had
   * indexed plus what this one indexes in memory from the store as it was at
   * open. Anything that would write fails with READ_ONLY.
   */
  readOnly?: boolean
  /** Caps on feeds adopted from peers' announcements; otherwise state.json's, else the defaults. */
  announceLimits?: Partial<AnnounceLimits>
}

/**
 * A cairn node: one identity, its own events and blobs cores, the feeds it
 * follows, and the views indexed from them. Bridges, runners, the daemon and
 * the CLI all embed this same class.
 */
export class CairnNode {
  readonly views: Views
  readonly indexer: Indexer
  /** Why the views were rebuilt from the feeds on open (views/check.ts), or null. */
  rebuilt: string | null = null
  readonly blobs: BlobStore
  /** How many caps on announced feeds apply here (OpenOptions, state.json, defaults). */
  readonly limits: AnnounceLimits
  /** Announced feeds turned away by the caps, since open. */
  ignoredAnnounced = 0
  /** state.json writes since open: one per follow change or announcement page, never one per key. */
  stateWrites = 0
  private readonly cores = new Map<string, Hypercore>()
  private readonly opening = new Map<string, Promise<void>>()
  private readonly indexedCores = new Set<Hypercore>()
  private readonly refused: Set<string>
  private closed = false
  /** Called when the node starts closing: its replication sessions end with it. */
  private readonly closers = new Set<() => void>()
  /** Called with each core the node starts carrying: open sessions download and announce it at once. */
  private readonly carriers = new Set<(core: Hypercore, kind: FeedKind) => void>()

  private constructor (
    readonly paths: HomePaths,
    readonly crypto: Crypto,
    readonly identity: KeyPair,
    readonly store: Corestore,
    readonly feed: OwnFeed,
    readonly blobCore: Hypercore,
    private readonly state: State,
    views: Views,
    private readonly unlock: (() => void) | null,
    private readonly pool: CryptoPool,
    onProgress?: (p: IndexProgress) => void,
    limits?: Partial<AnnounceLimits>
  ) {
    this.limits = announceLimits(limits, state.announceLimits)
    this.refused = new Set(state.unfollowed ?? [])
    this.views = views
    this.cores.set(toHex(feed.core.key), feed.core)
    this.cores.set(toHex(blobCore.key), blobCore)
    this.indexer = new Indexer(this.views, crypto, pool, feed, () => this.eventFeeds(), onProgress)
    this.blobs = new BlobStore(blobCore, crypto, (key) => this.coreFor(key), new Map<string, BlobRef>())
  }

  static async init (dir: string, name: string, opts: OpenOptions = {}): Promise<CairnNode> {
    const paths = homePaths(dir)
    if (isInitialised(paths)) throw new CairnError('ALREADY_INITIALISED', `${dir} already holds a cairn node; use it, or choose another --home`)
    ensureDir(dir)
    makePrivate(dir) // it may have existed, with the umask's modes
    createIdentity(paths.identity, opts.crypto ?? nativeCrypto)
    writeJson(paths.state, { name, follows: {} } satisfies State)
    // No event is posted here: publishing a profile (identity.link with name
    // and emails) is the user's act, and a fresh feed stays empty until then.
    return await CairnNode.open(dir, opts)
  }

  static async open (dir: string, opts: OpenOptions = {}): Promise<CairnNode> {
    const paths = homePaths(dir)
    const crypto = opts.crypto ?? nativeCrypto
    const identity = loadIdentity(paths.identity, crypto)
    const readOnly = opts.readOnly === true
    assertPrivateHome(dir)
    const unlock = readOnly ? null : takeHomeLock(paths.lock)
    const opened: Array<() => unknown> = [] // closed, last first, if opening fails
    try {
      const state = readJson<State>(paths.state, { name: '', follows: {} })
      for (const [key, raw] of Object.entries(state.follows)) state.follows[key] = migrateFollow(raw)
      if (!readOnly) pruneRocksLogs(paths.store)
      const store = new Corestore(paths.store, { readOnly })
      opened.push(async () => await store.close())
      await openStore(store, paths.store)
      if (!readOnly) makePrivate(dir)
      const events = store.get({ name: 'events' })
      const blobs = store.get({ name: 'blobs' })
      await Promise.all([events.ready(), blobs.ready()])
      if (!readOnly) recordHomeKeys(paths, { identity: toHex(identity.publicKey), feed: toHex(events.key), blobs: toHex(blobs.key) }) // for `cairn id`, also in homes made before keys.json
      const recorded = new LengthRecord(paths.ownLength, state.ownLength ?? 0, readOnly)
      opened.push(() => recorded.close())
      const db = openDb(paths.views, readOnly)
      const views = new Views(toHex(identity.publicKey), db.db, db.indexes)
      opened.push(() => views.close())
      const pool = new CryptoPool()
      opened.push(async () => await pool.destroy())
      const node = new CairnNode(paths, crypto, identity, store, new OwnFeed(events, identity, crypto, pool, recorded), blobs, state, views, unlock, pool, opts.onProgress, opts.announceLimits)
      // Opened together (the store batches the reads); a feed adopted from an announcement opens only once it holds blocks (adoptAnnounced).
      await Promise.all(Object.entries(state.follows).map(async ([key, f]) => await node.openCore(key, f.kind, f.via !== 'followed')))
      node.rebuilt = await node.checkViews(db)
      await node.indexer.run()
      if (!readOnly) rmSync(paths.viewLog, { force: true }) // an earlier release's views, rebuilt above
      return node
    } catch (err) {
      for (const close of opened.reverse()) await Promise.resolve().then(close).catch(() => {})
      unlock?.()
      throw err
    }
  }

  /** Opened beside the process that holds the home (OpenOptions.readOnly). */
  get readOnly (): boolean {
    return this.unlock === null
  }

  private assertWritable (what: string): void {
    if (this.readOnly) throw new CairnError('READ_ONLY', `cannot ${what}: ${lockHolder(this.paths.lock)} holds this home and it is open read-only here; use that process's HTTP API, or stop it`)
  }

  get identityKey (): string { return toHex(this.identity.publicKey) }
  get feedKey (): string { return toHex(this.feed.core.key) }
  get blobsKey (): string { return toHex(this.blobCore.key) }
  get name (): string { return this.state.name }
  /** What announced feeds must be about to be adopted (net/scopes.ts); none: every feed. */
  get interest (): readonly string[] { return this.state.interest ?? [] }

  async post<T extends EventType> (type: T, body: Draft<T>['body'], refs: string[] = []): Promise<CairnEvent<T>> {
    const [event] = await this.postMany([{ type, body, refs }])
    await this.indexer.run()
    return event as CairnEvent<T>
  }

  /** Sign and append many drafts as few blocks; indexing follows on the next run. */
  async postMany (drafts: ReadonlyArray<Draft<EventType>>): Promise<CairnEvent[]> {
    this.assertWritable('post')
    return await this.feed.append(drafts)
  }

  async trust (subject: string, roles: Role[], revoked = false): Promise<CairnEvent<'trust.set'>> {
    return await this.post('trust.set', trustBody(subject, roles, revoked))
  }

  /** Follow a feed by choice: replicate it and (events feeds) index it. True when that changed anything. */
  async follow (key: string, opts: { kind?: FeedKind } = {}): Promise<boolean> {
    assertFeedKey(key)
    this.assertWritable('follow')
    if (this.isOwn(key)) return false
    const kind = opts.kind ?? 'events'
    const existing = this.state.follows[key]
    const wasRefused = this.refused.delete(key)
    if (existing?.via === 'followed' && existing.kind === kind && !wasRefused) return false
    this.state.follows[key] = { kind, hops: 0, via: 'followed' }
    this.saveState()
    await this.openCore(key, kind)
    return true
  }

  /**
   * Adopt what the follow policy lets in from one page of a peer's
   * announcement (net/follow-policy.ts): one state write for the page.
   * Feeds already carried keep their kind and hops.
   */
  async adoptAnnounced (page: readonly Announced[], from: string): Promise<{ adopted: string[], ignored: number }> {
    if (this.readOnly || this.closed) return { adopted: [], ignored: 0 }
    // A re-announcement of what we carry costs a look-up per feed: no link scan, no count of the follows, no write.
    const fresh = page.filter((e) => this.state.follows[e.key] === undefined && !this.isOwn(e.key) && !this.refused.has(e.key))
    const linked = fresh.length === 0 ? new Map<string, FeedKind>() : chosenByLink(this.views, (feed) => this.state.follows[feed]?.via === 'followed')
    const { adopt, ignored } = choose(this.state.follows, fresh, from, this.limits, linked, this.refused, this.state.interest)
    this.ignoredAnnounced += ignored
    if (adopt.size > 0) {
      for (const [key, f] of adopt) this.state.follows[key] = f
      this.saveState()
    }
    // Only a feed with blocks to fetch is opened (together, not one by one): a flood of empty feeds costs state entries, not open cores.
    const withBlocks = new Set(page.filter((e) => e.length > 0 && !this.cores.has(e.key) && this.state.follows[e.key] !== undefined).map((e) => e.key))
    await Promise.all([...withBlocks].map(async (key) => await this.openCore(key, (this.state.follows[key] as Follow).kind)))
    return { adopted: [...adopt.keys()], ignored }
  }

  /** Change the scopes announced feeds must share to be adopted from now on (feeds carried stay); returns the interest. */
  setInterest (change: (interest: readonly string[]) => string[]): string[] {
    this.assertWritable('follow')
    this.state.interest = change(this.state.interest ?? [])
    this.saveState()
    return this.state.interest
  }

  /** Stop carrying a feed, and refuse it from announcements until followed again. False if it was not carried. */
  async unfollow (key: string): Promise<boolean> {
    assertFeedKey(key)
    this.assertWritable('unfollow')
    if (this.isOwn(key)) throw new CairnError('OWN_FEED', `${key} is this node's own feed; it cannot be unfollowed`)
    const carried = this.state.follows[key] !== undefined
    delete this.state.follows[key] // eslint-disable-line @typescript-eslint/no-dynamic-delete
    this.refused.add(key)
    this.state.unfollowed = [...this.refused]
    this.saveState()
    await this.dropCores([key])
    return carried
  }

  /**
   * Forget the feeds that came only from announcements (optionally from one
   * peer): what a flood left. Followed feeds, and feeds still linked by an
   * identity this node trusts or follows, stay. Returns the dropped keys.
   */
  async forgetAnnounced (from?: string): Promise<string[]> {
    this.assertWritable('unfollow')
    const linked = chosenByLink(this.views, (feed) => this.state.follows[feed]?.via === 'followed')
    const drop = Object.entries(this.state.follows)
      .filter(([key, f]) => (f.via === 'announced' || (f.via === 'linked' && !linked.has(key))) && (from === undefined || f.from === from))
      .map(([key]) => key)
    if (drop.length === 0) return []
    for (const key of drop) delete this.state.follows[key] // eslint-disable-line @typescript-eslint/no-dynamic-delete
    this.saveState()
    await this.dropCores(drop)
    return drop
  }

  private isOwn (key: string): boolean {
    return key === this.feedKey || key === this.blobsKey
  }

  private saveState (): void {
    writeJson(this.paths.state, this.state)
    this.stateWrites++
  }

  /** Close and purge cores no longer followed; views that held their events are indexed again without them. */
  private async dropCores (keys: readonly string[]): Promise<void> {
    let indexed = false
    const cores: Hypercore[] = []
    await this.indexer.between(() => {
      for (const key of keys) {
        const core = this.cores.get(key)
        if (core === undefined) continue
        this.cores.delete(key)
        this.indexedCores.delete(core)
        cores.push(core)
        if (this.views.checkpoint(key) > 0) indexed = true
      }
    })
    for (const core of cores) {
      if (core.length > 0) await core.clear(0, core.length) // free its blocks
      await core.close()
    }
    if (indexed) await this.reindex()
  }

  follows (): Array<{ key: string } & Follow> {
    return Object.entries(this.state.follows).map(([key, f]) => ({ key, ...f }))
  }

  /** Every core this node carries, own first: what replication offers peers. */
  carried (): Array<{ key: string, kind: FeedKind, hops: number, core: Hypercore, scopes: string[] }> {
    const own = feedScopes(this.views, this.feedKey)
    const out: Array<{ key: string, kind: FeedKind, hops: number, core: Hypercore, scopes: string[] }> = [
      { key: this.feedKey, kind: 'events', hops: 0, core: this.feed.core, scopes: own },
      { key: this.blobsKey, kind: 'blobs', hops: 0, core: this.blobCore, scopes: own }
    ]
    const follows = Object.entries(this.state.follows).sort(([, a], [, b]) => rank(a) - rank(b))
    for (const [key, f] of follows) {
      const core = this.cores.get(key)
      if (core !== undefined) out.push({ key, kind: f.kind, hops: f.hops, core, scopes: carriedScopes(this.views, key, f) })
    }
    return out
  }

  /** Feeds carried but not opened: adopted from announcements that gave them no blocks yet. Announced with length 0. */
  waiting (): Array<{ key: string, kind: FeedKind, hops: number, scopes: string[] }> {
    return Object.entries(this.state.follows)
      .filter(([key]) => !this.cores.has(key))
      .map(([key, f]) => ({ key, kind: f.kind, hops: f.hops, scopes: f.scopes ?? [] }))
  }

  coreFor (key: string): Hypercore {
    const core = this.cores.get(key)
    if (core === undefined) throw new CairnError('NOT_FOLLOWED', `core ${key} is not carried by this node; cairn follow ${key}`)
    return core
  }

  coreForMaybe (key: string): Hypercore | null {
    return this.cores.get(key) ?? null
  }

  log (filter: { type?: string, author?: string, limit?: number } = {}): IndexedEvent[] {
    return this.views.query(filter)
  }

  /** Start the crypto threads now rather than on the first large batch (a daemon will need them). */
  async warmCrypto (): Promise<void> {
    await this.pool.warm()
  }

  /** Drop the views and index every feed again; signatures of events held before are not checked again unless `verifyAll`. */
  async reindex (opts: { verifyAll?: boolean } = {}): Promise<void> {
    this.assertWritable('reindex')
    await this.indexer.between(() => this.views.clear(opts.verifyAll !== true))
    await this.indexer.run()
  }

  /** Before the first pass: rebuild views an earlier release left, or over blocks that are gone (views/check.ts). */
  private async checkViews (db: { fresh: boolean, replaced: number | null }): Promise<string | null> {
    const why = staleViews(this.views, db, existsSync(this.paths.viewLog), (key) => this.cores.get(key))
    // A fresh file too: its rebuild (a migration, another schema version) settles the series rows once at the end.
    if (why !== null || db.fresh) await this.indexer.between(() => this.views.clear())
    return why
  }

  status (): NodeStatus {
    const indexed = (f: { key: string, kind: FeedKind }): number | null => f.kind === 'events' ? this.views.checkpoint(f.key) : null
    const feeds = [...this.carried().map((f) => feedStatus(f, f.core, indexed(f))), ...this.waiting().map((f) => feedStatus(f, null, indexed(f)))]
    return {
      identity: this.identityKey,
      feed: this.feedKey,
      blobs: this.blobsKey,
      name: this.name,
      events: this.views.count,
      rejected: this.views.rejectionCount,
      ownMissingBlocks: this.feed.missingBlocks(),
      feeds
    }
  }

  /** Call `fn` when the node starts closing, at once if it has; returns what cancels that. */
  onClose (fn: () => void): () => void {
    if (this.closed) fn()
    else this.closers.add(fn)
    return () => { this.closers.delete(fn) }
  }

  /** Call `fn` with each core the node starts carrying from now on (follow, adoption); returns what cancels that. */
  onCarried (fn: (core: Hypercore, kind: FeedKind) => void): () => void {
    this.carriers.add(fn)
    return () => { this.carriers.delete(fn) }
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const fn of [...this.closers]) fn()
    await this.indexer.stop() // a pass in progress finishes its frame; no new one starts
    await this.pool.destroy()
    closeViews(this.views, this.readOnly ? null : this.paths, this.feedKey) // and record what `cairn id` reads of them
    this.feed.close()
    await this.store.close()
    this.unlock?.()
  }

  /** Open a carried core (only if the store holds it already, with ifStored) and index it if it is an events feed. */
  private async openCore (key: string, kind: FeedKind, ifStored = false): Promise<void> {
    while (this.opening.has(key)) await this.opening.get(key) // two pages naming one feed open it once
    if (!this.cores.has(key)) {
      const opened = this.openStored(key, kind, ifStored).finally(() => this.opening.delete(key))
      this.opening.set(key, opened)
      await opened
    }
    const core = this.cores.get(key)
    if (core !== undefined && kind === 'events' && !this.indexedCores.has(core)) this.watchEvents(core) // also a blobs follow the user now follows as events
  }

  private async openStored (key: string, kind: FeedKind, ifStored: boolean): Promise<void> {
    const publicKey = fromHex(key, 32) as Uint8Array
    // Read-only: a feed the holder followed a moment ago may not be in its store yet (opening it would write).
    if ((ifStored || this.readOnly) && await this.store.getAuth(discoveryKey(publicKey)) === null) return
    const core = this.store.get({ key: publicKey })
    await core.ready()
    this.cores.set(key, core)
    for (const fn of [...this.carriers]) fn(core, kind)
  }

  private watchEvents (core: Hypercore): void {
    this.indexedCores.add(core)
    const wake = (): void => { this.indexer.run().catch(() => {}) }
    core.on('append', wake)
    core.on('download', wake)
    // More blocks on their way than the indexer verifies inline: load the workers while they arrive.
    core.on('download', () => { if (core.length - core.contiguousLength >= 2) this.pool.warm().catch(() => {}) })
  }

  private * eventFeeds (): Iterable<[string, Hypercore]> {
    yield [this.feedKey, this.feed.core]
    for (const [key, f] of Object.entries(this.state.follows)) {
      const core = this.cores.get(key)
      if (f.kind === 'events' && core !== undefined) yield [key, core]
    }
  }
}

/** The body of a trust.set: these roles for the subject, or none and revoked. */
export function trustBody (subject: string, roles: Role[], revoked = false): BodyOf<'trust.set'> {
  return revoked ? { subject, roles: [], revoked: true } : { subject, roles }
}
