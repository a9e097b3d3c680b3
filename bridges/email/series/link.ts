import { emailMatches, mailboxOf } from './trailers.js'
import type { RevisionLink } from './types.js'

/**
 * Subject similarity needed to tie two revisions of one sender together when
 * neither a change-id nor threading does: the Sørensen–Dice coefficient of
 * the character bigrams of the two titles (cover subject, else first patch),
 * or the share of identical patch subjects, must reach 0.8. 0.8 accepts a
 * reworded word or two ("rtc: add foo driver" -> "rtc: add the foo driver"
 * scores 0.9) and rejects siblings such as "rtc: fix foo" / "rtc: fix bar"
 * (0.73). Titles that each name a number the other lacks ("MT6358" /
 * "MT6359") never match by title: one-character chip names score 0.97.
 */
export const SUBJECT_SIMILARITY = 0.8

/** What linking needs to know of one revision. */
export interface LinkFacts {
  version: number
  date: number
  seq: number
  anchor: string
  sender: string
  title: string
  patchSubjects: string[]
  changeId?: string
  isResend: boolean
  isRfc: boolean
  /** Patches the revision says it has (n of m/n). */
  expected: number
  /** In-Reply-To and References of its own cover and patches. */
  refs: Set<string>
  /** Its own cover and patch Message-IDs and those of the replies to them. */
  ids: Set<string>
}

export function normalizeTitle (s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').replace(/[.\s]+$/, '').trim()
}

function bigrams (s: string): Map<string, number> {
  const m = new Map<string, number>()
  for (let i = 0; i < s.length - 1; i++) {
    const g = s.slice(i, i + 2)
    m.set(g, (m.get(g) ?? 0) + 1)
  }
  return m
}

/** Sørensen–Dice coefficient of `b` against the bigrams `x` of a string (multiset), in [0, 1]. */
function diceWith (x: Map<string, number>, b: string): number {
  const y = bigrams(b)
  let total = 0
  let shared = 0
  for (const n of x.values()) total += n
  for (const n of y.values()) total += n
  for (const [g, n] of x) shared += Math.min(n, y.get(g) ?? 0)
  return total === 0 ? 0 : 2 * shared / total
}

function dice (a: string, b: string): number {
  return a === b ? (a === '' ? 0 : 1) : diceWith(bigrams(a), b)
}

/** Words holding a digit: chip and board names (MT6358, BD71828, v5.10) that tell sibling series apart. */
function numbered (title: string): Set<string> {
  return new Set(title.split(' ').map(w => w.replace(/^\W+|\W+$/g, '')).filter(w => /\d/.test(w)))
}

/** Each title names a number the other lacks ("MT6358" vs "MT6359"): a different series, however alike. */
function swapsNumbers (a: string, b: string): boolean {
  const x = numbered(a)
  const y = numbered(b)
  return [...x].some(w => !y.has(w)) && [...y].some(w => !x.has(w))
}

/** Title similarity: 0 when the titles name different numbers. */
function titleScore (ta: string, tb: string): number {
  return swapsNumbers(ta, tb) ? 0 : dice(ta, tb)
}

/**
 * A test whether a normalised title may tie its revision to `subject`'s by
 * subject (similarity below): alike titles, or the same patch title. The
 * bridge state ties one sender's mails with such subjects into one part
 * (series/keys.ts), so a part holds every revision its revisions may link
 * to. `subject`'s bigrams and numbers are read once for the many titles a
 * busy sender has; a length test (Dice cannot exceed 2·min/sum of the
 * bigram counts) drops most before any is read.
 */
export function alikeTo (subject: string): (title: string) => boolean {
  const ta = normalizeTitle(subject)
  const na = ta.length - 1
  let grams: Map<string, number> | undefined
  return (tb) => {
    if (ta === tb) return true
    const nb = tb.length - 1
    if (na <= 0 || nb <= 0 || 2 * Math.min(na, nb) / (na + nb) < SUBJECT_SIMILARITY || swapsNumbers(ta, tb)) return false
    grams ??= bigrams(ta)
    return diceWith(grams, tb) >= SUBJECT_SIMILARITY
  }
}

/** Title similarity, or the share of identical patch subjects (at least two shared when both have two). */
function similarity (a: LinkFacts, b: LinkFacts): number {
  const title = titleScore(normalizeTitle(a.title), normalizeTitle(b.title))
  const sa = new Set(a.patchSubjects.map(normalizeTitle))
  const sb = new Set(b.patchSubjects.map(normalizeTitle))
  const small = Math.min(sa.size, sb.size)
  let shared = 0
  for (const s of sa) if (sb.has(s)) shared++
  const patches = small > 0 && shared >= Math.min(2, small) ? shared / small : 0
  return Math.max(title, patches)
}

/**
 * A later posting may follow an earlier one: a higher version, a RESEND, or
 * the PATCH after an RFC. A RESEND of the same version is the same posting
 * again, so it has as many patches: one patch of four resent alone (linux-rtc:
 * `[PATCH RESEND] rtc: fsl-ftm-alarm: allow COMPILE_TEST` after its 1/4) is
 * a series of its own, or it would take the whole posting's place.
 */
function mayFollow (older: LinkFacts, newer: LinkFacts): boolean {
  if (older.version < newer.version) return true
  if (older.version !== newer.version) return false
  return newer.isResend ? older.expected === newer.expected : older.isRfc && !newer.isRfc
}

const dateKey = (d: number): number => Number.isFinite(d) ? d : Infinity

/** Latest version first, then latest date, then latest in canonical order. */
function newestFirst (a: LinkFacts, b: LinkFacts): number {
  return b.version - a.version || dateKey(b.date) - dateKey(a.date) || b.seq - a.seq
}

export function linkOrder (a: LinkFacts, b: LinkFacts): number {
  return a.version - b.version || dateKey(a.date) - dateKey(b.date) || a.seq - b.seq
}

/**
 * Tie each revision to the one it follows, trying in order: the same
 * change-id, threading (its mails answer the older revision or a reply to
 * it), then the same sender with similar subjects. Returns, per input
 * index, the index of the series' first revision and the link it was made by.
 * Candidates come from indexes (change-id, Message-ID, sender), so a whole
 * archive links in about linear time.
 */
export function linkRevisions (facts: readonly LinkFacts[]): { root: number[], links: Array<RevisionLink | undefined> } {
  const at = (i: number): LinkFacts => facts[i] as LinkFacts
  const order = facts.map((_f, i) => i).sort((a, b) => linkOrder(at(a), at(b)))
  const root: number[] = facts.map((_f, i) => i)
  const links: Array<RevisionLink | undefined> = facts.map(() => undefined)
  const byChangeId = new Map<string, number[]>()
  const byMessageId = new Map<string, number>()
  const bySender = new Map<string, number[]>()
  const newest = (r: LinkFacts, candidates: Iterable<number>): number | undefined =>
    [...candidates].filter(j => mayFollow(at(j), r)).sort((a, b) => newestFirst(at(a), at(b)))[0]

  for (const i of order) {
    const r = at(i)
    let to: number | undefined
    let link: RevisionLink | undefined
    if (r.changeId !== undefined) {
      to = newest(r, byChangeId.get(r.changeId) ?? [])
      if (to !== undefined) link = { reason: 'change-id', to: at(to).anchor }
    }
    if (to === undefined) {
      const answered = new Set<number>()
      for (const id of r.refs) {
        const j = byMessageId.get(id)
        if (j !== undefined) answered.add(j)
      }
      to = newest(r, answered)
      if (to !== undefined) link = { reason: 'in-reply-to', to: at(to).anchor }
    }
    if (to === undefined) {
      const best = (bySender.get(mailboxOf(r.sender)) ?? [])
        .map(j => ({ j, p: at(j) }))
        .filter(({ p }) => mayFollow(p, r) && emailMatches(p.sender, r.sender) && dateKey(p.date) <= dateKey(r.date))
        .map(({ j, p }) => ({ j, p, score: similarity(p, r) }))
        .filter(c => c.score >= SUBJECT_SIMILARITY)
        .sort((a, b) => b.score - a.score || newestFirst(a.p, b.p))[0]
      if (best !== undefined) {
        to = best.j
        link = { reason: 'subject', to: best.p.anchor, score: Math.round(best.score * 1000) / 1000 }
      }
    }
    if (to !== undefined) root[i] = root[to] as number
    links[i] = link
    if (r.changeId !== undefined) byChangeId.set(r.changeId, [...(byChangeId.get(r.changeId) ?? []), i])
    for (const id of r.ids) if (!byMessageId.has(id)) byMessageId.set(id, i)
    const box = mailboxOf(r.sender)
    const list = bySender.get(box)
    if (list === undefined) bySender.set(box, [i])
    else list.push(i)
  }
  return { root, links }
}
