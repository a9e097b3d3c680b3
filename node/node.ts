import Corestore from 'corestore'
import { discoveryKey } from 'hypercore-crypto'
import type Hypercore from 'hypercore'
import { closeSync, existsSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs'
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
import { assertPrivateHome, ensureDir, homePaths, isInitialised, lockPid, makePrivate, readJson, writeJson } from './storage/home.js'
import type { HomePaths } from './storage/home.js'
import { applyFrame, Indexer } from './views/indexer.js'
import type { IndexProgress } from './views/indexer.js'
import { OwnFeed } from './storage/own-feed.js'
import { ViewLog } from './views/view-log.js'
import type { ViewLogLoad } from './views/view-log.js'
import { Views } from './views/views.js'
import type { IndexedEvent } from './views/views.js'

export type FeedKind = 'events' | 'blobs'

export interface Follow { kind: FeedKind, hops: number }

/** Durable node state outside the store: its name and what it follows. */
interface State {
  name: string
  /** Read only to migrate homes made before own-length existed. */
  ownLength?: number
  follows: Record<string, Follow>
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
}

/**
 * A cairn node: one identity, its own events and blobs cores, the feeds it
 * follows, and the views indexed from them. Bridges, runners, the daemon and
 * the CLI all embed this same class.
 */
export class CairnNode {
  readonly views: Views
  readonly indexer: Indexer
  /** How the views came back from the view log on open: what was cut, and why, is indexed again. */
  viewLogLoad: ViewLogLoad = { frames: 0, events: 0, cut: null }
  readonly blobs: BlobStore
  private readonly cores = new Map<string, Hypercore>()
  private closed = false

  private constructor (
    readonly paths: HomePaths,
    readonly crypto: Crypto,
    readonly identity: KeyPair,
    readonly store: Corestore,
    readonly feed: OwnFeed,
    readonly blobCore: Hypercore,
    private readonly state: State,
    private readonly viewLog: ViewLog,
    private readonly lockFd: number | null,
    private readonly pool: CryptoPool,
    onProgress?: (p: IndexProgress) => void
  ) {
    this.views = new Views(toHex(identity.publicKey))
    this.cores.set(toHex(feed.core.key), feed.core)
    this.cores.set(toHex(blobCore.key), blobCore)
    this.indexer = new Indexer(this.views, viewLog, crypto, pool, feed, () => this.eventFeeds(), onProgress)
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
    const lockFd = readOnly ? null : takeLock(paths.lock)
    const opened: Array<() => unknown> = [] // closed, last first, if opening fails
    try {
      const state = readJson<State>(paths.state, { name: '', follows: {} })
      if (!readOnly) pruneRocksLogs(paths.store)
      const store = new Corestore(paths.store, { readOnly })
      opened.push(async () => await store.close())
      await openStore(store, paths.store)
      if (!readOnly) makePrivate(dir)
      const events = store.get({ name: 'events' })
      const blobs = store.get({ name: 'blobs' })
      await Promise.all([events.ready(), blobs.ready()])
      const recorded = new LengthRecord(paths.ownLength, state.ownLength ?? 0, readOnly)
      opened.push(() => recorded.close())
      const viewLog = new ViewLog(paths.views, crypto, { readOnly })
      opened.push(() => viewLog.close())
      const pool = new CryptoPool()
      opened.push(async () => await pool.destroy())
      const node = new CairnNode(paths, crypto, identity, store, new OwnFeed(events, identity, crypto, pool, recorded), blobs, state, viewLog, lockFd, pool, opts.onProgress)
      for (const [key, follow] of Object.entries(state.follows)) await node.openCore(key, follow.kind)
      node.viewLogLoad = await viewLog.load((feed) => node.coreForMaybe(feed), (frame) => applyFrame(node.views, frame))
      await node.indexer.run()
      return node
    } catch (err) {
      for (const close of opened.reverse()) await Promise.resolve().then(close).catch(() => {})
      if (lockFd !== null) releaseLock(paths.lock, lockFd)
      throw err
    }
  }

  /** Opened beside the process that holds the home (OpenOptions.readOnly). */
  get readOnly (): boolean {
    return this.lockFd === null
  }

  private assertWritable (what: string): void {
    if (this.readOnly) throw new CairnError('READ_ONLY', `cannot ${what}: ${lockHolder(this.paths.lock)} holds this home and it is open read-only here; use that process's HTTP API, or stop it`)
  }

  get identityKey (): string { return toHex(this.identity.publicKey) }
  get feedKey (): string { return toHex(this.feed.core.key) }
  get blobsKey (): string { return toHex(this.blobCore.key) }
  get name (): string { return this.state.name }

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

  /** Follow a feed: replicate it and (for events feeds) index it. hops is how far away we learned of it. */
  async follow (key: string, opts: { kind?: FeedKind, hops?: number } = {}): Promise<boolean> {
    if (fromHex(key, 32) === null) throw new CairnError('BAD_KEY', `"${key}" is not a feed key (64 hex characters)`)
    this.assertWritable('follow')
    const kind = opts.kind ?? 'events'
    const hops = opts.hops ?? 0
    if (this.cores.has(key) && (key === this.feedKey || key === this.blobsKey)) return false
    const existing = this.state.follows[key]
    if (existing !== undefined && existing.hops <= hops) return false
    this.state.follows[key] = { kind, hops }
    writeJson(this.paths.state, this.state)
    await this.openCore(key, kind)
    return true
  }

  follows (): Array<{ key: string } & Follow> {
    return Object.entries(this.state.follows).map(([key, f]) => ({ key, ...f }))
  }

  /** Every core this node carries, own first: what replication offers peers. */
  carried (): Array<{ key: string, kind: FeedKind, hops: number, core: Hypercore }> {
    const out: Array<{ key: string, kind: FeedKind, hops: number, core: Hypercore }> = [
      { key: this.feedKey, kind: 'events', hops: 0, core: this.feed.core },
      { key: this.blobsKey, kind: 'blobs', hops: 0, core: this.blobCore }
    ]
    for (const [key, f] of Object.entries(this.state.follows)) {
      const core = this.cores.get(key)
      if (core !== undefined) out.push({ key, kind: f.kind, hops: f.hops, core })
    }
    return out
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
    const list = this.views.query(filter)
    return filter.limit !== undefined ? list.slice(-filter.limit) : list
  }

  /** Start the crypto threads now rather than on the first large batch (a daemon will need them). */
  async warmCrypto (): Promise<void> {
    await this.pool.warm()
  }

  /** Drop the views and index every feed again from block 0. */
  async reindex (): Promise<void> {
    this.assertWritable('reindex')
    await this.indexer.between(() => {
      this.viewLog.reset()
      this.views.clear()
    })
    await this.indexer.run()
  }

  status (): NodeStatus {
    const feeds = this.carried().map(({ key, kind, hops, core }) => ({
      key,
      kind,
      hops,
      length: core.length,
      contiguous: core.contiguousLength,
      indexed: kind === 'events' ? (this.views.checkpoints.get(key) ?? 0) : null,
      peers: core.peers.length
    }))
    return {
      identity: this.identityKey,
      feed: this.feedKey,
      blobs: this.blobsKey,
      name: this.name,
      events: this.views.events.size,
      rejected: this.views.rejected.length,
      ownMissingBlocks: this.feed.missingBlocks(),
      feeds
    }
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.indexer.stop() // a pass in progress finishes its frame; no new one starts
    await this.pool.destroy()
    this.viewLog.close()
    this.feed.close()
    await this.store.close()
    if (this.lockFd !== null) releaseLock(this.paths.lock, this.lockFd)
  }

  private async openCore (key: string, kind: FeedKind): Promise<void> {
    if (this.cores.has(key)) return
    const publicKey = fromHex(key, 32) as Uint8Array
    // Read-only: a feed the holder followed a moment ago may not be in its store yet (opening it would write).
    if (this.readOnly && await this.store.getAuth(discoveryKey(publicKey)) === null) return
    const core = this.store.get({ key: publicKey })
    await core.ready()
    this.cores.set(key, core)
    if (kind === 'events') {
      const wake = (): void => { this.indexer.run().catch(() => {}) }
      core.on('append', wake)
      core.on('download', wake)
      // More blocks on their way than the indexer verifies inline: load the workers while they arrive.
      core.on('download', () => { if (core.length - core.contiguousLength >= 2) this.pool.warm().catch(() => {}) })
    }
  }

  private * eventFeeds (): Iterable<[string, Hypercore]> {
    yield [this.feedKey, this.feed.core]
    for (const [key, f] of Object.entries(this.state.follows)) {
      const core = this.cores.get(key)
      if (f.kind === 'events' && core !== undefined) yield [key, core]
    }
  }
}

export interface NodeStatus {
  identity: string
  feed: string
  blobs: string
  name: string
  events: number
  rejected: number
  ownMissingBlocks: number
  feeds: Array<{ key: string, kind: FeedKind, hops: number, length: number, contiguous: number, indexed: number | null, peers: number }>
}

/** The body of a trust.set: these roles for the subject, or none and revoked. */
export function trustBody (subject: string, roles: Role[], revoked = false): BodyOf<'trust.set'> {
  return revoked ? { subject, roles: [], revoked: true } : { subject, roles }
}

/** Who holds the home, for messages: "another cairn process (pid N)". */
function lockHolder (path: string): string {
  const pid = lockPid(path)
  return pid === null ? 'another cairn process' : `another cairn process (pid ${pid})`
}

/** One process per home: corestore's RocksDB cannot be shared for writing, so say clearly who holds it. */
function takeLock (path: string): number {
  try {
    const fd = openSync(path, 'wx', 0o600)
    writeSync(fd, String(process.pid))
    return fd
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    const pid = lockPid(path)
    if (pid !== null && isAlive(pid)) {
      throw new CairnError('HOME_LOCKED', `another cairn process (pid ${pid}) is using this home; stop it first or use its HTTP API`)
    }
    rmSync(path, { force: true }) // a stale lock from a process that died (kill -9): safe to take over
    return takeLock(path)
  }
}

function releaseLock (path: string, fd: number): void {
  closeSync(fd)
  if (existsSync(path)) unlinkSync(path)
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
