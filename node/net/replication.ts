import NoiseSecretStream from '@hyperswarm/secret-stream'
import c from 'compact-encoding'
import type Hypercore from 'hypercore'
import type { Download } from 'hypercore'
import Protomux from 'protomux'
import type { Duplex } from 'node:stream'
import { CairnError } from '../../protocol/errors.js'
import { toHex } from '../../protocol/hex.js'
import type { CairnNode } from '../node.js'
import { MAX_HOPS } from './follow-policy.js'
import { encodePages, parsePage } from './announcement.js'


export type { Announced } from './follow-policy.js'
export const PROTOCOL = 'cairn/feeds/v2'
/** Batch re-announcements while a download streams in: often enough for --once to finish promptly. */
const ANNOUNCE_DELAY_MS = 50
/** Malformed pages a session forgives (a glitch, a newer peer's field) before it closes: each costs a parse, so a stream of them must end. */
export const MAX_GARBAGE_PAGES = 16

interface SessionOptions {
  log?: (msg: string) => void
  /** How to name the peer in messages, e.g. "127.0.0.1:7421"; else its address or transport key. */
  peer?: string
}

/**
 * One replication session with one peer over an encrypted stream: all
 * carried cores replicate (corestore), and a protomux channel announces the
 * feed keys each side carries with their lengths, in rounds of bounded pages
 * (announcement.ts), so feeds spread transitively and `caughtUp()` knows when
 * each side holds what the other served.
 */
export class Session {
  /** What the peer last said it holds: core key -> contiguous length. */
  private readonly theirs = new Map<string, number>()
  /** Blobs cores the peer fetches on demand: it is not behind for holding less of them. */
  private readonly theirsOnDemand = new Set<string>()
  /** The round in which we first offered each key: the peer has judged it once it heard that round. */
  private readonly offered = new Map<string, number>()
  private readonly downloads: Download[] = []
  private readonly tracked = new Set<Hypercore>()
  /** Blobs cores fetched on demand: neither side waits for the other to hold them whole. */
  private readonly lazy = new Set<Hypercore>()
  private readonly watched: Array<() => void> = []
  private announceTimer: NodeJS.Timeout | null = null
  private readonly announceMessage: { send: (m: Uint8Array | null) => boolean } | null
  private gotAnnouncement!: () => void
  private resolveClosed!: () => void
  private unwatchNode = (): void => {}
  private unwatchCarried = (): void => {}
  /** Set when the stream closed or the session was destroyed: pages still queued are dropped, nothing more is tracked or sent. */
  private ended = false
  /** Pages are handled one at a time, in order. */
  private handling = Promise.resolve()
  private round = 0
  /** The last round of the peer's we have handled whole; and the last of ours it says it handled. */
  private heard = 0
  private peerHeard = 0
  private adoptedThisRound = false
  private newThisRound = false
  private readonly log: (msg: string) => void
  /** Resolves when the peer's first whole announcement has been handled. */
  readonly announced = new Promise<void>((resolve) => { this.gotAnnouncement = resolve })
  /** Resolves when the session ends: its stream closed, it was destroyed, or its node closed. */
  readonly closed: Promise<void>
  garbage = 0
  /** Why this side closed the session, when it did (PEER_GARBAGE); null otherwise. */
  reason: CairnError | null = null
  /** Announced feeds the follow policy turned away in this session. */
  ignored = 0
  /** Bumped by every block and page that arrives: a wait on the peer times out only when this stands still. */
  moved = 0

  constructor (readonly node: CairnNode, readonly stream: NoiseSecretStream, opts: SessionOptions = {}) {
    this.log = opts.log ?? (() => {})
    this.label = opts.peer ?? null
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve })
    this.unwatchNode = node.onClose(() => this.destroy())
    // A stream that closed before we got it, or a node closing (its store refuses to replicate): end at once rather than throw in a connection handler.
    if (this.ended || stream.destroyed) {
      this.announceMessage = null
      this.destroy()
      return
    }
    node.store.replicate(stream)
    const mux = Protomux.from(stream)
    const channel = mux.createChannel({
      protocol: PROTOCOL,
      onopen: () => this.announce()
    })
    this.announceMessage = channel === null
      ? null
      : channel.addMessage({ encoding: c.buffer, onmessage: (m) => this.queue(m) })
    channel?.open()
    for (const { core, kind } of node.carried()) this.track(core, kind)
    // A feed followed or adopted while we are connected (here or in another session): fetch it from this peer and offer it now, not on the next connection.
    this.unwatchCarried = node.onCarried((core, kind) => {
      this.moved++ // adopting a page's feeds is progress too: a wait on this peer does not time out during it
      this.track(core, kind)
      this.announceSoon()
    })
    stream.once('close', () => this.stop())
    stream.on('error', (err: Error) => this.log(`peer ${this.peer}: ${err.message}`))
  }

  private readonly label: string | null

  /** The peer as messages name it: given, else its address, else its transport key. */
  get peer (): string {
    if (this.label !== null) return this.label
    const raw = this.stream.rawStream as { remoteAddress?: unknown, remoteHost?: unknown, remotePort?: unknown } | undefined
    const host = raw?.remoteAddress ?? raw?.remoteHost
    if (typeof host === 'string') return typeof raw?.remotePort === 'number' ? `${host}:${raw.remotePort}` : host
    return this.stream.remotePublicKey === null ? 'unknown' : toHex(this.stream.remotePublicKey).slice(0, 16)
  }

  /** Who announced a feed, for the follow policy's per-peer cap: the peer's host (ports change per connection), else its transport key. */
  get source (): string {
    const raw = this.stream.rawStream as { remoteAddress?: unknown, remoteHost?: unknown } | undefined
    const host = raw?.remoteAddress ?? raw?.remoteHost
    if (typeof host === 'string') return host
    return this.stream.remotePublicKey === null ? 'unknown' : toHex(this.stream.remotePublicKey)
  }

  /** How many of the peer's announcement rounds this session has handled whole. */
  get roundsHeard (): number {
    return this.heard
  }

  /** Tell the peer every core we carry and how much of it we hold, in pages. */
  announce (): void {
    if (this.announceTimer !== null) clearTimeout(this.announceTimer)
    this.announceTimer = null
    if (this.announceMessage === null || this.ended) return
    this.round++
    const open = this.node.carried().map(({ key, kind, hops, core, scopes }) => this.lazy.has(core)
      ? { key, kind, length: this.lazyLength(key, core), hops, scopes, onDemand: true as const }
      : { key, kind, length: core.contiguousLength, hops, scopes })
    const list = [...open, ...this.node.waiting().map((f) => ({ ...f, length: 0 }))]
      .map(({ scopes, ...e }) => scopes.length === 0 ? e : { ...e, scopes })
    for (const { key } of list) if (!this.offered.has(key)) this.offered.set(key, this.round)
    for (const page of encodePages(list, this.round, this.heard)) this.announceMessage.send(page)
  }

  /**
   * What we say we hold of a blobs core fetched on demand: at least what the
   * peer says it holds. A peer of a release before on-demand blobs skips the
   * onDemand mark and waits to see us hold what it holds, which we never
   * fetch: its `sync --once` stood until PEER_TIMEOUT. It holds that much
   * already, so it fetches nothing from us on this word; a newer peer does
   * not wait on an onDemand core either way.
   */
  private lazyLength (key: string, core: Hypercore): number {
    return Math.max(core.contiguousLength, this.theirs.get(key) ?? 0)
  }

  /**
   * True once both sides hold the same of every core they share: we hold
   * what the peer served of each core it announced (never more than its
   * replication proved it has), and the peer has judged every core we
   * offered it and holds what we hold of those it took.
   */
  caughtUp (): boolean {
    if (this.heard === 0) return false
    return this.firstBehind() === null && this.peerBehind() === null
  }

  /** Why we are not caught up, for a timeout message; null when we are. */
  behind (): string | null {
    if (this.heard === 0) return 'no announcement yet'
    const ours = this.firstBehind()
    if (ours !== null) return `core ${ours.key.slice(0, 16)}: we hold ${ours.have} of the ${ours.want} blocks it announced`
    const theirs = this.peerBehind()
    return theirs === null ? null : `core ${theirs.slice(0, 16)}: the peer has not taken what we offered`
  }

  destroy (): void {
    this.stop()
    this.stream.destroy()
  }

  /**
   * Download a core live and re-announce as it grows, so the peer can tell
   * when it is caught up; another node's blobs core fetched on demand
   * (--blob-cache-mb) is not downloaded, only announced.
   */
  private track (core: Hypercore, kind: string): void {
    if (this.ended || this.tracked.has(core)) return
    this.tracked.add(core)
    if (this.node.blobs.onDemand(core, kind)) this.lazy.add(core)
    else this.downloads.push(core.download({ start: 0, end: -1, linear: true })) // in order: the indexer may only index a contiguous prefix
    const changed = (): void => {
      this.moved++
      this.announceSoon()
    }
    core.on('download', changed)
    core.on('append', changed)
    this.watched.push(() => { core.off('download', changed); core.off('append', changed) })
  }

  private announceSoon (): void {
    if (!this.ended) this.announceTimer ??= setTimeout(() => this.announce(), ANNOUNCE_DELAY_MS)
  }

  /** The first announced core we hold less of than the peer served. */
  private firstBehind (): { key: string, have: number, want: number } | null {
    for (const [key, claimed] of this.theirs) {
      const core = this.node.coreForMaybe(key)
      if (core === null || core.contiguousLength >= claimed || this.lazy.has(core)) continue // not carried (declined), held, or fetched on demand
      const want = this.served(core, claimed)
      if (want === null || core.contiguousLength < want) return { key, have: core.contiguousLength, want: want ?? claimed }
    }
    return null
  }

  /**
   * How much of a core the peer serves: its claim, but no more than the
   * length its replication channel reports (hypercore then proves it against
   * the signed tree). Null until that channel has told us.
   */
  private served (core: Hypercore, claimed: number): number | null {
    const peer = core.peers.find((p) => (p as { stream?: unknown }).stream === this.stream) as { remoteSynced?: boolean, remoteLength?: number } | undefined
    if (peer === undefined || peer.remoteSynced !== true) return null
    return Math.min(claimed, Math.max(core.length, peer.remoteLength ?? 0))
  }

  /** The first core we offered that the peer has not judged yet, or took and holds less of. */
  private peerBehind (): string | null {
    for (const { key, hops, core } of this.node.carried()) {
      if (hops + 1 > MAX_HOPS || this.lazy.has(core)) continue
      const theirs = this.theirs.get(key)
      if (theirs === undefined ? this.peerHeard < (this.offered.get(key) ?? Infinity) : theirs < core.contiguousLength && !this.theirsOnDemand.has(key)) return key
    }
    return null
  }

  private stop (): void {
    this.ended = true
    this.unwatchNode()
    this.unwatchCarried()
    this.resolveClosed()
    for (const d of this.downloads.splice(0)) d.destroy()
    for (const unwatch of this.watched.splice(0)) unwatch()
    this.tracked.clear()
    this.lazy.clear()
    if (this.announceTimer !== null) clearTimeout(this.announceTimer)
    this.announceTimer = null
  }

  private queue (message: Uint8Array | null): void {
    this.handling = this.handling
      .then(async () => await this.onPage(message))
      .catch((err: unknown) => this.log(`announcement from ${this.peer} failed: ${(err as Error).message}`))
  }

  private async onPage (message: Uint8Array | null): Promise<void> {
    if (this.ended) return // the peer is gone: what it announced is judged again when it comes back
    this.moved++
    const page = message === null ? null : parsePage(message)
    if (page === null) {
      this.garbage++ // a peer sending garbage: ignore the message, keep the session, up to a bound
      this.log(`peer ${this.peer} sent an announcement page that is not {round, heard, last, feeds: [{key, kind, length, hops}]}; ignored`)
      if (this.garbage > MAX_GARBAGE_PAGES) {
        this.reason = new CairnError('PEER_GARBAGE', `peer ${this.peer} sent ${this.garbage} announcement pages that are not pages; session closed`)
        this.log(this.reason.message)
        this.destroy()
      }
      return
    }
    for (const e of page.feeds) {
      if (!this.theirs.has(e.key)) this.newThisRound = true
      this.theirs.set(e.key, e.length)
      if (e.onDemand === true) this.theirsOnDemand.add(e.key)
      else this.theirsOnDemand.delete(e.key)
    }
    const { adopted, ignored } = await this.node.adoptAnnounced(page.feeds, this.source)
    this.ignored += ignored
    if (this.ended) return // closed while we adopted: the follows stay, nothing here downloads them
    if (adopted.length > 0) this.adoptedThisRound = true
    this.peerHeard = Math.max(this.peerHeard, page.heard)
    if (!page.last) return
    const first = this.heard === 0
    this.heard = Math.max(this.heard, page.round)
    // Answer a round that told us something new: the peer learns we judged its feeds. Rounds with nothing new go unanswered, so two peers never ping-pong.
    if (this.adoptedThisRound || this.newThisRound) this.announce()
    this.adoptedThisRound = false
    this.newThisRound = false
    if (first) this.gotAnnouncement()
  }
}

/** Replicate over any duplex stream (the caller pipes it to the peer's): wraps it in Noise first. */
export function replicateStream (node: CairnNode, isInitiator: boolean, raw: Duplex, opts?: SessionOptions): Session {
  return new Session(node, new NoiseSecretStream(isInitiator, raw), opts)
}
