import { getJson, query } from '../api.js'
import type { EventJson } from '../api.js'
import { h } from '../dom.js'
import type { Page, Params } from '../page.js'
import { EVENT_TYPES } from '../summary.js'
import { EVENT_HEAD, eventRow } from './overview.js'

/** Every indexed event, newest first, filtered by type and author, paged with the API's cursor; new ones appear at the top. */
export async function eventsPage (_params: Params, q: URLSearchParams): Promise<Page> {
  const type = q.get('type') ?? ''
  const author = q.get('author') ?? ''
  const typeSel = h('select', { name: 'type', 'aria-label': 'type' }, h('option', { value: '' }, 'all types'), ...EVENT_TYPES.map((t) => h('option', { value: t, selected: t === type }, t)))
  const authorIn = h('input', { name: 'author', placeholder: 'author key (hex)', size: 40, value: author, 'aria-label': 'author' })
  const apply = (): void => { location.hash = `#/events${query({ type: typeSel.value, author: authorIn.value.trim() })}` }
  typeSel.addEventListener('change', apply)
  authorIn.addEventListener('change', apply)

  const body = h('tbody', {})
  const count = h('span', { class: 'muted' })
  const more = h('button', { class: 'more' }, 'Older events')
  let next: string | null = null
  let total = 0
  const load = async (): Promise<void> => {
    const page = await getJson<{ total: number, events: EventJson[], next: string | null }>(`/api/events${query({ type, author, limit: 50, cursor: next ?? undefined })}`)
    body.append(...page.events.map((e) => eventRow(e)))
    next = page.next
    total = page.total
    more.hidden = next === null
    count.textContent = `${total} event${total === 1 ? '' : 's'}`
  }
  more.addEventListener('click', () => { void load() })
  await load()

  const el = h('section', {},
    h('h1', {}, 'Events'),
    h('div', { class: 'filters' }, typeSel, authorIn, count),
    h('table', { id: 'events' }, h('thead', {}, h('tr', {}, ...EVENT_HEAD.map((c) => h('th', {}, c)))), body),
    more)
  return {
    el,
    onEvent (e) {
      if ((type !== '' && e.type !== type) || (author !== '' && e.author !== author)) return
      body.prepend(eventRow(e, true))
      count.textContent = `${++total} event${total === 1 ? '' : 's'}`
    }
  }
}
