/**
 * A revision read as its mail thread: the cover letter and each patch
 * (message and diff inline, collapsible) with the replies that answer them
 * underneath. The mail's sender is the author; the identity that signed the
 * event (a bridge, for mailed series) is shown only as the publisher.
 */
import type { EventJson } from './api.js'
import { appendDiff } from './diff.js'
import { badge, errorBox, h, link, when } from './dom.js'
import { GIVEN_TRAILERS, mailText } from './mail.js'
import { who } from './people.js'

interface Person { name: string, email: string }
interface Trailer { key: string, value: string }
export interface Patch { index: number, subject: string, author?: Person, date?: string, message?: string, diff?: { hash: string, length: number }, missing?: boolean, messageId?: string, trailers?: Trailer[] }
export interface Cover { subject: string, body: string, messageId?: string, inheritedFrom?: number }
export type Review = EventJson & { body: { target: { revision: string, patch?: number }, trailers: Trailer[], comment?: string, from?: Person, messageId?: string } }
/** What the series view collected for a patch: its own trailers and those replies gave. */
export interface PatchTrailers { index: number, own: Trailer[], collected: Trailer[] }

/** Diffs above this many bytes start collapsed: a page of twenty small patches reads at once, one huge one does not bury the rest. */
const LARGE_DIFF = 16_000

export const person = (p: Person): string => p.name === '' ? p.email : `${p.name} <${p.email}>`

/** "Name <email>" of the mail, else the signing identity; and who published it when that differs. */
function authorLine (from: Person | undefined, event: EventJson, date: string | null): HTMLElement {
  return h('div', { class: 'from' },
    from !== undefined ? h('span', { class: 'sender' }, person(from)) : who(event.author),
    date === null ? null : h('span', { class: 'muted' }, ` · ${date}`),
    from !== undefined ? h('span', { class: 'muted publisher' }, ' · published by ', who(event.author), ` ${when(event.ts)}`) : null)
}

/** Review trailers (Reviewed-by, Acked-by, ...) highlighted; others (Link, Closes) plain. */
function trailerBadges (trailers: Trailer[]): HTMLElement[] {
  return trailers.map((t) => h('span', { class: isGiven(t) ? 'trailer given' : 'trailer', 'data-key': t.key }, `${t.key}: ${t.value}`))
}

const isGiven = (t: Trailer): boolean => GIVEN_TRAILERS.some((k) => k.toLowerCase() === t.key.toLowerCase())

/** One reply: its sender, the trailers it gave, its text with quotes as quotes. */
function replyCard (review: Review): HTMLElement {
  const b = review.body
  return h('article', { class: 'reply', 'data-id': review.id },
    authorLine(b.from, review, null),
    b.trailers.length === 0 ? null : h('div', { class: 'trailers' }, ...trailerBadges(b.trailers)),
    b.comment === undefined ? null : mailText(b.comment),
    h('div', { class: 'muted small' }, link(`#/event/${review.id}`, 'event'), b.messageId === undefined ? null : ` · ${b.messageId}`))
}

function replies (list: Review[]): HTMLElement | null {
  if (list.length === 0) return null
  return h('div', { class: 'replies' }, h('div', { class: 'muted small' }, list.length === 1 ? '1 reply' : `${list.length} replies`), ...list.map(replyCard))
}

/** The cover letter and the replies to the whole series. */
export function coverCard (cover: Cover | undefined, revision: EventJson, author: Person | undefined, date: number | undefined, answers: Review[]): HTMLElement | null {
  if (cover === undefined && answers.length === 0) return null
  return h('details', { class: 'mail cover', open: true },
    h('summary', {}, h('span', { class: 'subject' }, cover?.subject ?? 'Replies to the whole series')),
    cover === undefined ? null : authorLine(author, revision, date === undefined ? null : when(date)),
    cover?.inheritedFrom === undefined ? null : h('p', { class: 'muted' }, `The cover letter of v${cover.inheritedFrom} (this partial reroll has none of its own).`),
    cover === undefined ? null : mailText(cover.body),
    replies(answers))
}

/** Options the page keeps across re-renders: which patches the reader opened or closed, and the diffs already fetched. */
export interface PatchState {
  opened: Map<number, boolean>
  diff: (hash: string) => Promise<string>
}

/** One patch: subject and author in the summary; inside, its message, its diff (fetched on first open) and its replies. */
export function patchCard (p: Patch, total: number, revision: EventJson, trailers: PatchTrailers | undefined, answers: Review[], state: PatchState): HTMLElement {
  const diffBox = h('pre', { class: 'log diff' }, p.diff === undefined ? 'No diff in this mail.' : 'Loading the diff…')
  let loaded = p.diff === undefined
  const load = (): void => {
    if (loaded || p.diff === undefined) return
    loaded = true
    state.diff(p.diff.hash).then((text) => { diffBox.textContent = ''; appendDiff(diffBox, withoutSignature(text), true) },
      (err: unknown) => { diffBox.replaceWith(errorBox(err)) })
  }
  const open = state.opened.get(p.index) ?? (p.missing !== true && (p.diff?.length ?? 0) <= LARGE_DIFF)
  const collected = trailers?.collected ?? []
  const card = h('details', { class: 'mail patch', 'data-index': p.index, open },
    h('summary', {},
      h('span', { class: 'num' }, `[${p.index}/${total}]`), ' ',
      h('span', { class: 'subject' }, p.subject === '' ? '(not received)' : p.subject),
      p.missing === true ? [' ', badge('missing', 'bad')] : null,
      p.author === undefined ? null : h('span', { class: 'muted' }, ` — ${p.author.name === '' ? p.author.email : p.author.name}`),
      collected.length === 0 ? null : [' ', ...summaryCounts(collected)],
      answers.length === 0 ? null : h('span', { class: 'muted' }, ` · ${answers.length} ${answers.length === 1 ? 'reply' : 'replies'}`),
      // The raw diff stays one click away even while the patch is collapsed.
      p.diff === undefined ? null : h('span', { class: 'muted size' }, ' · diff ', link(`#/blob/${p.diff.hash}?name=${encodeURIComponent(`patch ${p.index}.diff`)}`, `${p.diff.length} bytes`))),
    p.missing === true ? h('p', { class: 'muted' }, 'This patch was not received.') : [
      authorLine(p.author, revision, p.date ?? null),
      collected.length === 0 ? null : h('div', { class: 'trailers' }, h('span', { class: 'muted' }, 'Collected: '), ...trailerBadges(collected)),
      p.message === undefined ? null : mailText(p.message),
      diffBox
    ],
    replies(answers))
  card.addEventListener('toggle', () => {
    state.opened.set(p.index, card.open)
    if (card.open) load()
  })
  if (open) load()
  return card
}

/** The mail signature after the diff ("-- " and git's version) would read as a removed line; the raw blob keeps it. */
function withoutSignature (text: string): string {
  const at = text.lastIndexOf('\n-- \n')
  const tail = at < 0 ? '' : text.slice(at + 5)
  return (at >= 0 && tail.trim() !== '' && !/^(diff |@@|[+ -])/m.test(tail) ? text.slice(0, at) : text).replace(/\n$/, '')
}

/** "Reviewed-by ×2" per key, for the collapsed summary line. */
function summaryCounts (trailers: Trailer[]): HTMLElement[] {
  const counts = new Map<string, number>()
  for (const t of trailers.filter(isGiven)) counts.set(t.key, (counts.get(t.key) ?? 0) + 1)
  return [...counts].map(([key, n]) => h('span', { class: 'trailer given count', 'data-key': key }, n === 1 ? key : `${key} ×${n}`))
}

/** Replies by what they answer: patch index, or 0 for the cover letter and the whole series (also any patch this revision lacks). */
export function byTarget (reviews: Review[], patches: Patch[]): Map<number, Review[]> {
  const known = new Set(patches.map((p) => p.index))
  const out = new Map<number, Review[]>()
  for (const r of reviews) {
    const at = r.body.target.patch ?? 0
    const key = at !== 0 && known.has(at) ? at : 0
    out.set(key, [...(out.get(key) ?? []), r])
  }
  return out
}
