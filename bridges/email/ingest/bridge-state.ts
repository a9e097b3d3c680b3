import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { BlobRef } from '../../../protocol/schemas.js'
import { FrameLog } from '../../../node/storage/frame-log.js'
import type { MailRecord } from './mail-record.js'

/** One frame: the mails of one batch, and where each source stands after them. */
interface StateFrame {
  mails: MailRecord[]
  /** Source cursors (a public-inbox epoch -> its last commit read), set together with the mails. */
  cursors?: Record<string, string>
}

/**
 * What the email bridge keeps between runs, in the node's home
 * (`email/state.log`): every mail it has read (parsed, with its blob refs)
 * and how far each public-inbox epoch was read. Grouping is a function of
 * the whole archive (a reply read today may answer a patch read last week),
 * so each run groups every known mail again; the events already published
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

  close (): void {
    this.log.close()
  }

  private apply (frame: StateFrame): void {
    for (const m of frame.mails) {
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
  }
}
