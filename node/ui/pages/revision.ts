import { getJson, getText, postJson } from '../api.js'
import type { EventJson, ResultRow } from '../api.js'
import { badge, errorBox, h, kv, link, replace, short, table, when } from '../dom.js'
import { GIVEN_TRAILERS } from '../mail.js'
import type { Page, Params } from '../page.js'
import { throttled } from '../page.js'
import { who } from '../people.js'
import { byTarget, coverCard, patchCard, person } from '../thread.js'
import type { Cover, Patch, PatchState, PatchTrailers, Review } from '../thread.js'
import { defaultPair, versionsStrip } from '../versions.js'
import type { VersionRow } from '../versions.js'
import { savedToken } from './settings.js'

interface RevisionBody { project: string, series: string, version: number, subject: string, cover?: Cover, base?: string, total: number, patches: Patch[], source: { messageIds: string[], list?: string }, changeId?: string, author?: { name: string, email: string }, date?: number }
interface RevisionDetail {
  revision: EventJson & { body: RevisionBody }
  versions: VersionRow[]
  reviews: Review[]
  trailers: PatchTrailers[]
  jobs: Array<EventJson & { body: { profile: string, base: string, tags: string[], repo: string } }>
  results: ResultRow[]
  decisions: Array<EventJson & { body: { verdict: string, state: string, reasons: string[], machine: string } }>
}

function reviewForm (revision: string, patches: Patch[], posted: () => void): HTMLElement {
  const key = h('select', { name: 'trailer', 'aria-label': 'trailer' }, ...GIVEN_TRAILERS.map((t) => h('option', { value: t }, t)))
  const value = h('input', { name: 'value', placeholder: 'Name <email>', size: 32, 'aria-label': 'trailer value' })
  const patch = h('select', { name: 'patch', 'aria-label': 'patch' }, h('option', { value: '' }, 'whole series'), ...patches.map((p) => h('option', { value: String(p.index) }, `patch ${p.index}`)))
  const comment = h('textarea', { name: 'comment', rows: 3, cols: 60, placeholder: 'comment (optional)', 'aria-label': 'comment' })
  const out = h('div', {})
  const send = async (): Promise<void> => {
    const token = savedToken()
    if (token === '') { out.replaceChildren(errorBox('Paste the node\'s API token in Settings first (it is in the node\'s home: api.token).')); return }
    const body: Record<string, unknown> = {
      target: patch.value === '' ? { revision } : { revision, patch: Number(patch.value) },
      trailers: value.value.trim() === '' ? [] : [{ key: key.value, value: value.value.trim() }]
    }
    if (comment.value.trim() !== '') body.comment = comment.value
    try {
      const r = await postJson<{ id: string }>('/api/reviews', body, token)
      out.replaceChildren(h('p', {}, 'Posted as ', link(`#/event/${r.id}`, h('span', { class: 'mono' }, short(r.id))), ' on this node\'s feed.'))
      value.value = ''
      comment.value = ''
      posted()
    } catch (err) {
      out.replaceChildren(errorBox(err))
    }
  }
  return h('div', { class: 'filters' }, key, value, patch, comment, h('button', { class: 'primary', onclick: () => { void send() } }, 'Post review'), out)
}

/** One revision of a series: the versions side by side (pick two for their interdiff), the cover letter and patches with their diffs and replies as a thread, jobs, results and decisions. */
export async function revisionPage (params: Params): Promise<Page> {
  const id = params.id ?? ''
  const top = h('div', {})
  const bottom = h('div', {})
  let form: HTMLElement | null = null
  let picked: { from: string, to: string } | null = null
  // Kept across live re-renders: what the reader opened or closed, and the diffs fetched (blobs never change).
  const diffs = new Map<string, Promise<string>>()
  const patchState: PatchState = {
    opened: new Map(),
    diff: async (hash) => {
      let text = diffs.get(hash)
      if (text === undefined) {
        text = getText(`/api/blobs/${encodeURIComponent(hash)}`)
        diffs.set(hash, text)
        text.catch(() => diffs.delete(hash)) // fetched again on the next open
      }
      return await text
    }
  }
  const render = async (): Promise<void> => {
    const d = await getJson<RevisionDetail>(`/api/revisions/${encodeURIComponent(id)}`)
    const r = d.revision
    const b = r.body
    // Kept when the page re-renders on live events, unless there was nothing to compare (a new version arrived).
    if (picked === null || picked.from === picked.to) picked = defaultPair(d.versions, b.version)
    form ??= h('div', {}, h('h2', {}, 'Review'), reviewForm(r.id, b.patches, () => { void render() }))
    const answers = byTarget(d.reviews, b.patches)
    const trailers = new Map(d.trailers.map((t) => [t.index, t]))
    const author = b.author ?? b.patches.find((p) => p.author !== undefined)?.author
    replace(top,
      h('h1', {}, `[${b.project}] `, b.subject, ' ', badge(`v${b.version}`, 'ok')),
      kv([
        ['series', b.series],
        ['author', author !== undefined ? h('span', { class: 'sender' }, person(author)) : who(r.author)],
        ['date', b.date !== undefined ? when(b.date) : '—'],
        ['published by', [who(r.author), ` ${when(r.ts)}`]],
        ['base', b.base ?? '—'],
        ['change-id', b.changeId ?? '—'],
        ['list', b.source.list ?? '—'],
        ['mails', `${b.source.messageIds.length} · ${d.reviews.length} ${d.reviews.length === 1 ? 'reply' : 'replies'}`],
        ['event', link(`#/event/${r.id}`, h('span', { class: 'mono' }, r.id))]
      ]),
      h('h2', {}, `Revisions (${d.versions.length})`),
      versionsStrip(d.versions, picked, d.versions.find((v) => v.version === b.version)?.id),
      b.cover === undefined && !answers.has(0) ? null : [h('h2', {}, b.cover === undefined ? 'Replies to the series' : 'Cover letter'), coverCard(b.cover, r, author, b.date, answers.get(0) ?? [])],
      h('h2', {}, `Patches (${b.patches.length} of ${b.total})`),
      h('div', { id: 'patches' }, ...b.patches.map((p) => patchCard(p, b.total, r, trailers.get(p.index), answers.get(p.index) ?? [], patchState))))
    replace(bottom,
      h('h2', {}, `Jobs (${d.jobs.length})`),
      d.jobs.length === 0
        ? h('p', { class: 'muted' }, 'No job requested for this revision.')
        : table(['job', 'profile', 'base', 'tags'], d.jobs.map((j) => h('tr', {},
          h('td', {}, link(`#/event/${j.id}`, h('span', { class: 'mono' }, short(j.id)))), h('td', {}, j.body.profile), h('td', { class: 'mono' }, j.body.base.slice(0, 12)), h('td', {}, j.body.tags.join(', '))))),
      h('h2', {}, `Results (${d.results.length})`),
      d.results.length === 0
        ? h('p', { class: 'muted' }, 'No result yet.')
        : table(['result', 'verdict', 'tests', 'runner', 'when'], d.results.map((x) => h('tr', {},
          h('td', {}, link(`#/result/${x.id}`, h('span', { class: 'mono' }, short(x.id)))), h('td', {}, badge(x.body.verdict)), h('td', {}, `${x.total} (${x.counts.fail ?? 0} fail)`), h('td', {}, who(x.author)), h('td', { class: 'mono' }, when(x.ts))))),
      h('h2', {}, 'Decisions'),
      d.decisions.length === 0
        ? h('p', { class: 'muted' }, 'No decision published for this revision.')
        : table(['verdict', 'state', 'by', 'reasons'], d.decisions.map((x) => h('tr', {},
          h('td', {}, badge(x.body.verdict)), h('td', {}, x.body.state), h('td', {}, who(x.author)), h('td', {}, ...x.body.reasons.map((t) => h('div', {}, t)))))))
  }
  await render()
  return { el: h('section', {}, top, form, bottom), onEvent: throttled(() => { void render() }) }
}
