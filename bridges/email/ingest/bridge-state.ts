import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { BlobRef } from '../../../protocol/schemas.js'
import { FrameLog } from '../../../node/storage/frame-log.js'
import type { MailRecord } from './mail-record.js'
import { groupingKeys } from '../series/keys.js'
import { Clusters } from './clusters.js'

/** What one part of the archive publishes (regroup.ts): summed, the whole archive's figures. */
export interface Tally { series: number, revisions: number, replies: number, trailers: number, raw: number }

/** One frame: the mails of one batch, and where each source stands after them; or a grouping's outcome. */
interface StateFrame {
  mails: MailRecord[]
  /** Source cursors (a public-inbox epoch -> its last commit read), set together with the mails. */
  cursors?: Record<string, string>
  /** The first this many mails are grouped and published (a run without --match filtering). */
  grouped?: number
  /** The tally of each part grouped again, by its root. */
  parts?: Array<[number, Tally]>
}

/**
 * What the email bridge keeps between runs, in the node's home
 * (`email/state.log`): every mail it has read (parsed, with its blob refs)
 * and how far each public-inbox epoch was read. Grouping is a function of
 * the whole archive (a reply read today may answer a patch read last week),
 * but the archive falls into parts no grouping key ties together
 * (clusters.ts): each run groups again the parts that got new mail
 * (regroup.ts), and `grouped` says up to which mail that was done, so a run
 * killed before its grouping frame groups those parts next time. The daemon
 * keeps one BridgeState open across runs: opening reads the whole log. The
 * events already published
 * are read from the node's own feed, never from here, so a crash between
 * appending events and writing this file cannot publish twice.
 *
 * Two mails under one Message-ID are both kept (a copy from another archive,
 * or a real clash); grouping makes the one that loses a mail.raw.
 *
 * A batch's mails and cursors are one frame: both or neither survive a
 * kill -9, and a cut frame's mails are simply read again.
 */
export class BridgeState {
  readonly mails: MailRecord[] = []
  private readonly byHash = new Set<string>()
  /** Message-ID -> content hash -> the first mail read with it */
  private readonly contents = new Map<string, Map<string, MailRecord>>()
  readonly blobs = new Map<string, BlobRef>()
  readonly cursors = new Map<string, string>()
  readonly clusters = new Clusters()
  /** Mails before this index are grouped and published. */
  grouped = 0
  private readonly at = new Map<MailRecord, number>()
  private readonly tally = new Map<number, Tally>()
  private quarantined = 0
  private readonly log: FrameLog<StateFrame>

  constructor (home: string) {
    const dir = join(home, 'email')
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    this.log = new FrameLog<StateFrame>(join(dir, 'state.log'))
    this.log.load((frame) => this.apply(frame))
  }

  /** The same bytes were read before. */
  hasRaw (hash: string): boolean {
    return this.byHash.has(hash)
  }

  /** The mail with this Message-ID that has this content (subject, author, date, message, patch), if one was read. */
  copyOf (messageId: string, content: string): MailRecord | undefined {
    return messageId === '' ? undefined : this.contents.get(messageId)?.get(content)
  }

  /** Record a batch (and the cursors it advances) durably, in one frame. */
  append (mails: MailRecord[], cursors?: Record<string, string>): void {
    if (mails.length === 0 && cursors === undefined) return
    const frame: StateFrame = cursors === undefined ? { mails } : { mails, cursors }
    this.log.append(frame)
    this.apply(frame)
  }

  /** Where a record sits in `mails`. */
  indexOf (rec: MailRecord): number | undefined {
    return this.at.get(rec)
  }

  /** Record that every mail so far is grouped, with the tallies of the parts grouped again. */
  recordGrouping (parts: Array<[number, Tally]>): void {
    const frame: StateFrame = { mails: [], grouped: this.mails.length, parts }
    this.log.append(frame)
    this.apply(frame)
  }

  /** The whole archive's figures, as last grouped: the parts' tallies, and every quarantined mail as a mail.raw. */
  totals (): Tally {
    const out: Tally = { series: 0, revisions: 0, replies: 0, trailers: 0, raw: this.quarantined }
    for (const t of this.tally.values()) for (const k of Object.keys(out) as Array<keyof Tally>) out[k] += t[k]
    return out
  }

  close (): void {
    this.log.close()
  }

  private apply (frame: StateFrame): void {
    for (const m of frame.mails) {
      this.at.set(m, this.mails.length)
      if (m.mail === undefined) this.quarantined++
      else this.join(this.mails.length, groupingKeys(m.mail))
      this.mails.push(m)
      this.byHash.add(m.hash)
      this.blobs.set(m.raw.hash, m.raw)
      if (m.diff !== undefined) this.blobs.set(m.diff.hash, m.diff)
      if (m.mail !== undefined && m.content !== undefined && m.mail.messageId !== '') {
        const byContent = this.contents.get(m.mail.messageId) ?? new Map<string, MailRecord>()
        if (!byContent.has(m.content)) byContent.set(m.content, m)
        this.contents.set(m.mail.messageId, byContent)
      }
    }
    for (const [key, value] of Object.entries(frame.cursors ?? {})) this.cursors.set(key, value)
    if (frame.grouped !== undefined) this.grouped = frame.grouped
    for (const [root, t] of frame.parts ?? []) this.tally.set(root, t)
  }

  /** A new mail joins the parts it shares keys with: their tallies add up until the part is grouped again. */
  private join (index: number, keys: readonly string[]): void {
    for (const gone of this.clusters.add(index, keys)) {
      const t = this.tally.get(gone)
      if (t === undefined) continue
      this.tally.delete(gone)
      const into = this.clusters.find(gone)
      const kept = this.tally.get(into)
      if (kept === undefined) this.tally.set(into, t)
      else for (const k of Object.keys(t) as Array<keyof Tally>) kept[k] += t[k]
    }
  }
}
