// Unthreaded postings, many from one sender (issue 15 step 2): covers and
// one-patch series sent without threading headers, for the test that checks
// what adoptUnthreadedCovers makes of them and the bench that times it, and
// the rule as it read before its index, pairwise, as their reference.
import type { ParsedMail } from '../../bridges/email/parse/types.js'
import { absorb, expectedOf, firstPatch, sameSender, sameSitting, type Draft, type Placement } from '../../bridges/email/series/draft.js'
import type { MailNode } from '../../bridges/email/series/mails.js'

const T0 = Date.UTC(2024, 0, 1)
const DIFF = '---\n f | 2 +-\n 1 file changed\n\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n'

interface Loose { id: string, subject: string, atMs: number, from: string, diff: boolean }

/** A parsed mail without threading headers. */
export function looseMail (m: Loose): ParsedMail {
  const [, name = '', email = m.from] = /^(.*?)\s*<(.+)>$/.exec(m.from) ?? []
  return {
    messageId: m.id,
    inReplyTo: '',
    references: [],
    author: { name, email },
    rawSubject: m.subject,
    subject: m.subject.replace(/^\[[^\]]*\]\s*/, ''),
    date: Number.isFinite(m.atMs) ? new Date(T0 + m.atMs).toUTCString() : '',
    dateMs: T0 + m.atMs,
    message: 'Change.\n',
    patch: m.diff ? DIFF : '',
    headers: [['from', m.from], ['subject', m.subject], ['message-id', `<${m.id}>`]]
  }
}

/**
 * `n` postings of one sender, each a cover `0/1` and its one patch a second
 * later, posting i at i * gapMs: apart (gapMs over a minute) each cover has
 * one patch in its minute; together (gapMs 0) every cover has n. With
 * `ownPrefix` each posting has a prefix of its own, so even together each
 * cover has one patch it may take.
 */
export function unthreadedPostings (n: number, gapMs: number, ownPrefix = false): ParsedMail[] {
  const out: ParsedMail[] = []
  for (let i = 0; i < n; i++) {
    const prefix = ownPrefix ? `PATCH topic-${i}` : 'PATCH'
    const from = 'Dev One <dev@example.org>'
    out.push(looseMail({ id: `c${i}@x`, subject: `[${prefix} 0/1] tidy ${i}`, atMs: i * gapMs, from, diff: false }))
    out.push(looseMail({ id: `p${i}@x`, subject: `[${prefix} 1/1] tidy part ${i}`, atMs: i * gapMs + 1000, from, diff: true }))
  }
  return out
}

const prefixKey = (n: MailNode): string => n.subject.prefixes.map(p => p.toLowerCase()).sort().join(' ')

/** The rule as it read before the index: every cover against every patch draft. */
export function pairwise (drafts: Draft[], placed: Map<string, Placement>): Draft[] {
  const alive = new Set(drafts)
  for (const c of drafts) {
    const cover = c.cover?.node
    if (cover === undefined || c.patches.size > 0 || cover.mail.inReplyTo !== '' || cover.mail.references.length > 0) continue
    const joiners = drafts.filter(d => {
      const first = firstPatch(d)
      return alive.has(d) && d.cover === undefined && first !== undefined && first.mail.inReplyTo === '' &&
        first.mail.references.length === 0 && d.version === c.version && expectedOf(d) === cover.subject.expected &&
        prefixKey(first) === prefixKey(cover) && sameSender(d, c) && sameSitting(d, c, 60_000)
    })
    const into = joiners[0]
    if (into === undefined || joiners.length > 1) continue
    absorb(c, into, placed)
    alive.delete(into)
  }
  return drafts.filter(d => alive.has(d))
}

/** One draft per mail, as grouping has them when no threading joins anything. */
export function drafts (nodes: MailNode[]): Draft[] {
  return nodes.map(node => node.role === 'cover'
    ? { anchor: node.id, version: node.subject.version, seq: node.seq, cover: { node, naked: false }, patches: new Map(), partialReroll: false }
    : { anchor: node.id, version: node.subject.version, seq: node.seq, patches: new Map([[node.subject.counter, { node }]]), partialReroll: false })
}
