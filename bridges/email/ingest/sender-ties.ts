/**
 * The sender ties of the bridge state's parts (series/keys.ts): a cover or
 * patch joins the parts of its sender's covers and patches dated within
 * SITTING_MS of it (one sitting: unthreaded parts and covers), and those of
 * its sender's mails with alike subjects (version links, partial RESENDs).
 * Both are index reads: a date range of one mailbox, and the mailbox's
 * distinct subjects, each compared by link.ts alikeTo (a length test
 * drops most). So one mail costs its sitting and its sender's subjects,
 * not the sender's mails over the years, and its part holds its sitting
 * and its like-titled postings, not every posting of a busy sender.
 */
import type { Database as Db, Statement } from 'better-sqlite3'
import type { ParsedMail } from '../parse/types.js'
import { groupingKeys, type SenderTie } from '../series/keys.js'

type Grouping = ReturnType<typeof groupingKeys>
import { alikeTo } from '../series/link.js'
import { SITTING_MS } from '../series/mails.js'

/**
 * Tables of the ties (made when missing; a file made before them is filled
 * from its mails once, `backfill`): sittings, a cover's or patch's mailbox
 * and date; subjects, a mailbox's distinct normalised subjects and the
 * first mail with each; deferred, a diffstat-only mail's tie until a patch
 * answers it; answered, the Message-IDs a patch answers.
 */
export const SENDER_TABLES = `
CREATE TABLE IF NOT EXISTS sittings (box TEXT NOT NULL, date REAL NOT NULL, mail INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sittings_box_date ON sittings (box, date);
CREATE TABLE IF NOT EXISTS subjects (box TEXT NOT NULL, title TEXT NOT NULL, mail INTEGER NOT NULL, PRIMARY KEY (box, title)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deferred (message_id TEXT PRIMARY KEY, mail INTEGER NOT NULL, box TEXT NOT NULL, title TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS answered (message_id TEXT PRIMARY KEY) WITHOUT ROWID;
DROP TABLE IF EXISTS naked;
`

export class SenderTies {
  private readonly q: Record<'near' | 'addSitting' | 'subjects' | 'addSubject' | 'deferred' | 'addDeferred' | 'answered' | 'addAnswered', Statement>

  constructor (db: Db) {
    const p = (sql: string): Statement => db.prepare(sql)
    this.q = {
      near: p('SELECT DISTINCT m.part AS part FROM sittings s JOIN mails m ON m.i = s.mail WHERE s.box = ? AND s.date BETWEEN ? AND ?'),
      addSitting: p('INSERT INTO sittings (box, date, mail) VALUES (?, ?, ?)'),
      subjects: p('SELECT s.title AS title, m.part AS part FROM subjects s JOIN mails m ON m.i = s.mail WHERE s.box = ?'),
      addSubject: p('INSERT OR IGNORE INTO subjects (box, title, mail) VALUES (?, ?, ?)'),
      deferred: p('SELECT mail, box, title FROM deferred WHERE message_id = ?'),
      addDeferred: p('INSERT OR IGNORE INTO deferred (message_id, mail, box, title) VALUES (?, ?, ?, ?)'),
      answered: p('SELECT 1 FROM answered WHERE message_id = ?'),
      addAnswered: p('INSERT OR IGNORE INTO answered (message_id) VALUES (?)')
    }
  }

  /**
   * Tie mail `i` (in the mails table, its `keys` joined): `join(part)` for
   * each part of another mail it is tied to.
   */
  tie (i: number, messageId: string, { sender, deferred, answers }: Grouping, join: (part: number) => void): void {
    if (sender !== undefined) {
      if (Number.isFinite(sender.dateMs)) {
        for (const { part } of this.q.near.all(sender.box, sender.dateMs - SITTING_MS, sender.dateMs + SITTING_MS) as Array<{ part: number }>) join(part)
        this.q.addSitting.run(sender.box, sender.dateMs, i)
      }
      this.bySubject(i, sender, join)
    }
    if (deferred !== undefined && messageId !== '') {
      this.q.addDeferred.run(messageId, i, deferred.box, deferred.title)
      if (this.q.answered.get(messageId) !== undefined) this.bySubject(i, deferred, join)
    }
    if (answers !== undefined) {
      this.q.addAnswered.run(answers)
      const naked = this.q.deferred.get(answers) as { mail: number, box: string, title: string } | undefined
      // the naked cover's part: joined with this mail's through its Message-ID already, or now
      if (naked !== undefined) this.bySubject(naked.mail, { box: naked.box, dateMs: NaN, title: naked.title }, join)
    }
  }

  /** Fill the tables from mails stored before they existed (their parts hold these ties already: they were tied by sender). */
  backfill (mails: Iterable<{ i: number, mail: ParsedMail }>): void {
    const naked: Array<{ i: number, id: string, tie: SenderTie }> = []
    for (const { i, mail } of mails) {
      const { sender, deferred, answers } = groupingKeys(mail)
      if (sender !== undefined) {
        if (Number.isFinite(sender.dateMs)) this.q.addSitting.run(sender.box, sender.dateMs, i)
        this.q.addSubject.run(sender.box, sender.title, i)
      }
      if (deferred !== undefined && mail.messageId !== '') {
        this.q.addDeferred.run(mail.messageId, i, deferred.box, deferred.title)
        naked.push({ i, id: mail.messageId, tie: deferred })
      }
      if (answers !== undefined) this.q.addAnswered.run(answers)
    }
    for (const { i, id, tie } of naked) if (this.q.answered.get(id) !== undefined) this.q.addSubject.run(tie.box, tie.title, i)
  }

  /** Join the parts of the sender's mails with alike subjects, then list this one's subject (if it is the first with it). */
  private bySubject (i: number, tie: SenderTie, join: (part: number) => void): void {
    const alike = alikeTo(tie.title)
    for (const { title, part } of this.q.subjects.all(tie.box) as Array<{ title: string, part: number }>) {
      if (alike(title)) join(part)
    }
    this.q.addSubject.run(tie.box, tie.title, i)
  }
}
