import type { Database as Db, Statement } from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pack, unpackExact } from '../../../protocol/codec.js'
import type { BlobRef } from '../../../protocol/schemas.js'
import type { MailRecord } from './mail-record.js'
import type { ParsedMail } from '../parse/types.js'
import { groupingKeys } from '../series/keys.js'
import { dropLog, logFrames, openBridgeDb, stampBridgeDb } from './bridge-db.js'
import { PublishedIndex } from './published.js'
import { SENDER_TABLES, SenderTies } from './sender-ties.js'

/** What one part of the archive publishes (regroup.ts): summed, the whole archive's figures. */
export interface Tally { series: number, revisions: number, replies: number, trailers: number, raw: number }

const TALLY = ['series', 'revisions', 'replies', 'trailers', 'raw'] as const

/** A stored mail: its index in reading order, its part (null: quarantined) and its record. */
interface StoredMail { i: number, part: number | null, rec: MailRecord }

/** Decoded records kept in memory: the daemon groups a busy part again per mail, and series/memo.ts keys on the objects. */
const KEPT_RECORDS = 50_000

/**
 * What the email bridge keeps between runs, in the node's home
 * (`email/state.sqlite`, bridge-db.ts): every mail it has read (parsed,
 * with its blob refs) and how far each public-inbox epoch was read.
 * Grouping is a function of the whole archive (a reply read today may
 * answer a patch read last week), but the archive falls into parts no
 * grouping key ties together (series/keys.ts): each run groups again the
 * parts that got new mail (regroup.ts), and `grouped` says up to which mail
 * that was done, so a run killed before recording its grouping groups those
 * parts next time. Every question is an index read, so opening the state
 * and taking in one mail cost the same whatever the archive holds. The
 * events already published are read from the node's own feed, never from
 * here, so a crash between appending events and writing this file cannot
 * publish twice.
 *
 * Two mails under one Message-ID are both kept (a copy from another archive,
 * or a real clash); grouping makes the one that loses a mail.raw.
 *
 * A batch's mails and cursors are one transaction: both or neither survive
 * a kill -9, and a lost batch's mails are simply read again.
 */
export class BridgeState {
  readonly cursors = new Map<string, string>()
  /** Mails before this index are grouped and published. */
  grouped: number
  /** What the bridge has published, read from the node's own events (published.ts). */
  readonly published: PublishedIndex
  readonly blobs: { get: (hash: string) => BlobRef | undefined, set: (hash: string, ref: BlobRef) => void }
  private count: number
  private readonly db: Db
  private readonly kept = new Map<number, MailRecord>()
  private readonly ties: SenderTies
  private readonly q: Record<'hasRaw' | 'copyOf' | 'insertMail' | 'key' | 'addKey' | 'part' | 'addPart' | 'relabel' | 'members' | 'since' | 'blob' | 'addBlob' | 'cursor' | 'meta' | 'setMeta' | 'setPart' | 'dropPart', Statement>

  constructor (home: string) {
    const dir = join(home, 'email')
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const opened = openBridgeDb(join(dir, 'state.sqlite'))
    this.db = opened.db
    const p = (sql: string): Statement => this.db.prepare(sql)
    this.q = {
      hasRaw: p('SELECT 1 FROM mails WHERE hash = ? LIMIT 1'),
      copyOf: p('SELECT i, part, rec FROM mails WHERE message_id = ? AND content = ? ORDER BY i LIMIT 1'),
      insertMail: p('INSERT INTO mails (i, hash, message_id, content, part, rec) VALUES (?, ?, ?, ?, ?, ?)'),
      key: p('SELECT m.part AS part FROM keys k JOIN mails m ON m.i = k.mail WHERE k.key = ?'),
      addKey: p('INSERT OR IGNORE INTO keys (key, mail) VALUES (?, ?)'),
      part: p('SELECT * FROM parts WHERE id = ?'),
      addPart: p('INSERT INTO parts (id, size) VALUES (?, 1)'),
      relabel: p('UPDATE mails SET part = ? WHERE part = ?'),
      members: p('SELECT i, part, rec FROM mails WHERE part = ? ORDER BY i'),
      since: p('SELECT i, part, rec FROM mails WHERE i >= ? ORDER BY i'),
      blob: p('SELECT ref FROM blobs WHERE hash = ?'),
      addBlob: p('INSERT OR IGNORE INTO blobs (hash, ref) VALUES (?, ?)'),
      cursor: p('INSERT OR REPLACE INTO cursors (key, value) VALUES (?, ?)'),
      meta: p('SELECT value FROM meta WHERE key = ?'),
      setMeta: p('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      setPart: p(`UPDATE parts SET size = ?, ${TALLY.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`),
      dropPart: p('DELETE FROM parts WHERE id = ?')
    }
    if (opened.tiesMissing) this.backfillTies()
    this.ties = new SenderTies(this.db)
    this.count = (this.db.prepare('SELECT coalesce(max(i) + 1, 0) AS n FROM mails').get() as { n: number }).n
    this.grouped = this.meta('grouped')
    for (const r of this.db.prepare('SELECT key, value FROM cursors').all() as Array<{ key: string, value: string }>) this.cursors.set(r.key, r.value)
    // blobs stored by a batch not yet recorded: BlobStore holds them, so they are known at once
    if (opened.fresh) this.migrate(join(dir, 'state.log'))
    this.published = new PublishedIndex(this.db)
    const pending = new Map<string, BlobRef>()
    this.blobs = {
      get: (hash) => pending.get(hash) ?? this.blobRef(hash),
      set: (hash, ref) => { pending.set(hash, ref); if (pending.size > 4096) pending.clear() }
    }
  }

  /** How many mails have been read. */
  get size (): number {
    return this.count
  }

  /** The same bytes were read before. */
  hasRaw (hash: string): boolean {
    return this.q.hasRaw.get(hash) !== undefined
  }

  /** The mail with this Message-ID that has this content (subject, author, date, message, patch), if one was read. */
  copyOf (messageId: string, content: string): MailRecord | undefined {
    if (messageId === '') return undefined
    const row = this.q.copyOf.get(messageId, content) as Row | undefined
    return row === undefined ? undefined : this.stored(row).rec
  }

  /** Record a batch (and the cursors it advances) durably, in one transaction. */
  append (mails: MailRecord[], cursors?: Record<string, string>): void {
    if (mails.length === 0 && cursors === undefined) return
    this.db.transaction(() => this.apply(mails, cursors))()
  }

  /** Every mail read from index `from` on, in order. */
  since (from: number): StoredMail[] {
    return (this.q.since.all(from) as Row[]).map((r) => this.stored(r))
  }

  /** Every mail of a part, in reading order. */
  membersOf (part: number): StoredMail[] {
    return (this.q.members.all(part) as Row[]).map((r) => this.stored(r))
  }

  /** Record that every mail so far is grouped, with the tallies of the parts grouped again. */
  recordGrouping (parts: Array<[number, Tally]>): void {
    this.db.transaction(() => {
      const totals = this.sums()
      for (const [id, t] of parts) {
        const old = this.q.part.get(id) as PartRow | undefined
        if (old === undefined) continue // merged into another part since: grouped again with it next time
        this.setTally(id, old.size, t)
        for (const k of TALLY) totals[k] += t[k] - old[k]
      }
      for (const k of TALLY) this.q.setMeta.run(k, totals[k])
      this.q.setMeta.run('grouped', this.count)
    })()
    this.grouped = this.count
  }

  /** The whole archive's figures, as last grouped: the parts' tallies, and every quarantined mail as a mail.raw. */
  totals (): Tally {
    const sums = this.sums()
    return { ...sums, raw: sums.raw + this.meta('quarantined') }
  }

  /** The parts' tallies summed (kept in meta: a merge keeps the sum, a grouping moves it by its parts' change). */
  private sums (): Tally {
    return { series: this.meta('series'), revisions: this.meta('revisions'), replies: this.meta('replies'), trailers: this.meta('trailers'), raw: this.meta('raw') }
  }

  private meta (key: string): number {
    return (this.q.meta.get(key) as { value: number } | undefined)?.value ?? 0
  }

  private setTally (id: number, size: number, t: Tally): void {
    this.q.setPart.run(size, ...TALLY.map((k) => t[k]), id)
  }

  close (): void {
    this.db.close()
  }

  private blobRef (hash: string): BlobRef | undefined {
    const row = this.q.blob.get(hash) as { ref: Buffer } | undefined
    return row === undefined ? undefined : unpackExact(row.ref, `email state blob ${hash}`) as BlobRef
  }

  private stored (row: Row): StoredMail {
    let rec = this.kept.get(row.i)
    if (rec === undefined) {
      rec = unpackExact(row.rec, `email state mail ${row.i}`) as MailRecord
      if (this.kept.size >= KEPT_RECORDS) this.kept.clear()
      this.kept.set(row.i, rec)
    }
    return { i: row.i, part: row.part, rec }
  }

  private apply (mails: MailRecord[], cursors: Record<string, string> | undefined): void {
    for (const m of mails) {
      const i = this.count++
      const keyed = m.mail !== undefined
      const id = m.mail?.messageId ?? ''
      this.q.insertMail.run(i, m.hash, id === '' ? null : id, m.content ?? null, keyed ? i : null, Buffer.from(pack(m)))
      for (const ref of [m.raw, m.diff]) if (ref !== undefined) this.q.addBlob.run(ref.hash, Buffer.from(pack(ref)))
      if (m.mail === undefined) {
        this.q.setMeta.run('quarantined', this.meta('quarantined') + 1)
      } else {
        this.q.addPart.run(i)
        this.tieMail(i, m.mail)
      }
    }
    for (const [key, value] of Object.entries(cursors ?? {})) {
      this.q.cursor.run(key, value)
      this.cursors.set(key, value)
    }
  }

  /** A new mail joins the parts it shares keys or sender ties with (series/keys.ts). */
  private tieMail (i: number, mail: ParsedMail): void {
    const grouping = groupingKeys(mail)
    let mine = i
    const joinPart = (part: number): void => { if (part !== mine) mine = this.merge(mine, part) }
    for (const key of grouping.keys) {
      const row = this.q.key.get(key) as { part: number } | undefined
      if (row === undefined) this.q.addKey.run(key, i)
      else joinPart(row.part)
    }
    this.ties.tie(i, mail.messageId, grouping, joinPart)
  }

  /** Two parts become one: the smaller takes the larger one's id, and their tallies add up until the part is grouped again. */
  private merge (mine: number, other: number): number {
    const a = this.q.part.get(mine) as PartRow
    const b = this.q.part.get(other) as PartRow
    const [keep, gone] = a.size > b.size || (a.size === b.size && a.id < b.id) ? [a, b] : [b, a]
    this.q.relabel.run(keep.id, gone.id)
    this.setTally(keep.id, keep.size + gone.size, { series: keep.series + gone.series, revisions: keep.revisions + gone.revisions, replies: keep.replies + gone.replies, trailers: keep.trailers + gone.trailers, raw: keep.raw + gone.raw })
    this.q.dropPart.run(gone.id)
    return keep.id
  }

  /**
   * A file made before the sender ties: its parts were tied by each
   * sender's whole history (a superset), so only the tables are filled,
   * from every stored mail, once (local mails get their `local:` key too).
   */
  private backfillTies (): void {
    this.db.transaction(() => {
      this.db.exec(SENDER_TABLES)
      const mails: Array<{ i: number, mail: ParsedMail }> = []
      for (const row of this.db.prepare('SELECT i, part, rec FROM mails WHERE part IS NOT NULL ORDER BY i').all() as Row[]) {
        const { rec } = this.stored(row)
        if (rec.mail === undefined) continue
        mails.push({ i: row.i, mail: rec.mail })
        for (const key of groupingKeys(rec.mail).keys) this.q.addKey.run(key, row.i)
      }
      new SenderTies(this.db).backfill(mails)
    })()
  }

  /**
   * Fill a fresh file: from an earlier release's state.log (its mails and
   * cursors, in one transaction with the stamp), then delete the log. Its
   * groupings are not carried over (`grouped` stays 0): the first run
   * groups the archive once and publishes only what differs.
   */
  private migrate (logPath: string): void {
    const frames = logFrames(logPath)
    this.db.transaction(() => {
      for (const f of frames) this.apply(f.mails, f.cursors)
      stampBridgeDb(this.db)
    })()
    dropLog(logPath)
  }
}

interface Row { i: number, part: number | null, rec: Buffer }
type PartRow = Tally & { id: number, size: number }
