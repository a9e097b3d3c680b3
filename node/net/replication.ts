import NoiseSecretStream from '@hyperswarm/secret-stream'
import c from 'compact-encoding'
import type Hypercore from 'hypercore'
import type { Download } from 'hypercore'
import Protomux from 'protomux'
import type { Duplex } from 'node:stream'
import { pack, unpackExact } from '../../protocol/codec.js'
import { isHex32 } from '../../protocol/hex.js'
import type { CairnNode, FeedKind } from '../node.js'

/** Feeds spread at most this many hops from their writer: enough for lab -> maintainer -> developer chains, bounded against spam. */
export const MAX_HOPS = 4
const PROTOCOL = 'cairn/feeds/v1'
/** Batch re-announcements while a download streams in: often enough for --once to finish promptly. */
const ANNOUNCE_DELAY_MS = 50

export interface Announced { key: string, kind: FeedKind, length: number, hops: number }

/**
 * One replication session with one peer over an encrypted stream: all
 * carried cores replicate (corestore), and a protomux channel announces the
 * feed keys each side carries with their lengths, so feeds spread
 * transitively and `caughtUp()` knows when we hold what the peer had.
 */
export class Session {
  /** What the peer last said it holds: core key -> contiguous length. */
  private readonly theirs = new Map<string, number>()
  private readonly downloads: Download[] = []
  private readonly watched: Array<() => void> = []
  private announceTimer: NodeJS.Timeout | null = null
  private readonly announceMessage: { send: (m: Uint8Array | null) => boolean } | null
  private gotAnnouncement!: () => void
  readonly announced = new Promise<void>((resolve) => { this.gotAnnouncement = resolve })
  readonly closed: Promise<void>
  garbage = 0

  constructor (readonly node: CairnNode, readonly stream: NoiseSecretStream, private readonly log: (msg: string) => void = () => {}) {
    node.store.replicate(stream)
    const mux = Protomux.from(stream)
    const channel = mux.createChannel({
      protocol: PROTOCOL,
      onopen: () => this.announce()
    })
    this.announceMessage = channel === null
      ? null
      : channel.addMessage({ encoding: c.buffer, onmessage: (m) => { this.onAnnouncement(m).catch((err: unknown) => this.log(`announcement failed: ${(err as Error).message}`)) } })
    channel?.open()
    for (const { core } of node.carried()) this.track(core)
    this.closed = new Promise((resolve) => stream.once('close', () => { this.stop(); resolve() }))
    stream.on('error', (err: Error) => this.log(`peer stream: ${err.message}`))
  }

  /** Tell the peer every core we carry and how much of it we hold. */
  announce (): void {
    if (this.announceTimer !== null) clearTimeout(this.announceTimer)
    this.announceTimer = null
    const list = this.node.carried().map(({ key, kind, hops, core }) => ({ key, kind, length: core.contiguousLength, hops }))
    this.announceMessage?.send(pack(list))
  }

  /**
   * True once both sides hold the same of every core: we have what the peer
   * announced, and the peer's latest announcement lists every core we offer
   * it (within the hop limit) at the length we hold. Announcements follow
   * downloads, a little batched.
   */
  caughtUp (): boolean {
    for (const [key, theirLength] of this.theirs) {
      const core = this.node.coreForMaybe(key)
      if (core !== null && core.contiguousLength < theirLength) return false
    }
    for (const { key, hops, core } of this.node.carried()) {
      if (hops + 1 > MAX_HOPS) continue
      if ((this.theirs.get(key) ?? -1) < core.contiguousLength) return false
    }
    return true
  }

  destroy (): void {
    this.stop()
    this.stream.destroy()
  }

  /** Download a core live and re-announce as it grows, so the peer can tell when it is caught up. */
  private track (core: Hypercore): void {
    this.downloads.push(core.download({ start: 0, end: -1, linear: true })) // in order: the indexer may only index a contiguous prefix
    const changed = (): void => {
      this.announceTimer ??= setTimeout(() => this.announce(), ANNOUNCE_DELAY_MS)
    }
    core.on('download', changed)
    core.on('append', changed)
    this.watched.push(() => { core.off('download', changed); core.off('append', changed) })
  }

  private stop (): void {
    for (const d of this.downloads.splice(0)) d.destroy()
    for (const unwatch of this.watched.splice(0)) unwatch()
    if (this.announceTimer !== null) clearTimeout(this.announceTimer)
    this.announceTimer = null
  }

  private async onAnnouncement (message: Uint8Array | null): Promise<void> {
    const entries = message === null ? null : parseAnnouncement(message)
    if (entries === null) {
      this.garbage++ // a peer sending garbage: ignore the message, keep the session
      this.log('peer sent an announcement that is not a list of {key, kind, length, hops}; ignored')
      return
    }
    let adopted = false
    for (const e of entries) {
      const hops = e.hops + 1
      if (hops <= MAX_HOPS && await this.node.follow(e.key, { kind: e.kind, hops })) {
        adopted = true
        this.track(this.node.coreFor(e.key))
      }
      this.theirs.set(e.key, e.length)
    }
    if (adopted) this.announce()
    this.gotAnnouncement()
  }
}

function parseAnnouncement (message: Uint8Array): Announced[] | null {
  let value: unknown
  try {
    value = unpackExact(message, 'announcement')
  } catch {
    return null
  }
  if (!Array.isArray(value) || value.length > 100_000) return null
  const out: Announced[] = []
  for (const e of value as Array<Record<string, unknown>>) {
    if (typeof e !== 'object' || e === null) return null
    const { key, kind, length, hops } = e
    if (!isHex32(key) || (kind !== 'events' && kind !== 'blobs') || !Number.isSafeInteger(length) || !Number.isSafeInteger(hops) || (hops as number) < 0 || (length as number) < 0) return null
    out.push({ key, kind, length: length as number, hops: hops as number })
  }
  return out
}

/** Replicate over any duplex stream (the caller pipes it to the peer's): wraps it in Noise first. */
export function replicateStream (node: CairnNode, isInitiator: boolean, raw: Duplex, log?: (msg: string) => void): Session {
  return new Session(node, new NoiseSecretStream(isInitiator, raw), log)
}
