import { getJson, query } from '../api.js'
import type { SeriesListPageJson as SeriesPage, SeriesListRowJson as SeriesRow } from '../../wire/types.js'
import { badge, h, link, table, when } from '../dom.js'
import type { Page, Params } from '../page.js'
import { throttled } from '../page.js'
import { who } from '../people.js'
import { stateBadge } from '../versions.js'


/** Rows per request: the first screenful and then some; the API allows up to 500. */
const PAGE = 100
const MAX_PAGE = 500
// node/views/series/ SERIES_STATES (the UI is compiled on its own: it cannot import it)
const STATES = ['new', 'incomplete', 'testing', 'tested', 'tested.pass', 'tested.fail', 'reviewed', 'ready', 'stale', 'rejected', 'superseded', 'merged']
const TRAILERS = ['Reviewed-by', 'Acked-by', 'Tested-by', 'Signed-off-by', 'Nacked-by']
const FILTERS = ['q', 'state', 'list', 'path', 'trailer'] as const

function row (s: SeriesRow): HTMLTableRowElement {
  const more = s.files - s.paths.length
  return h('tr', { 'data-id': s.id },
    h('td', {}, link(`#/revision/${s.latest.id}`, s.subject),
      s.paths.length === 0 ? null : h('div', { class: 'muted mono', title: `${s.files} file${s.files === 1 ? '' : 's'} touched` }, s.paths.join(' '), more > 0 ? ` +${more}` : '')),
    h('td', {}, s.project, s.list !== null && s.list !== s.project ? h('div', { class: 'muted' }, s.list) : null),
    h('td', {}, ...s.versions.map((v) => [link(`#/revision/${v.id}`, `v${v.version}`), ' '])),
    h('td', { class: 'num' }, s.latest.complete ? s.latest.total : `${s.latest.present}/${s.latest.total}`),
    h('td', { class: 'num' }, s.reviews),
    h('td', {}, ...Object.entries(s.trailers).map(([key, n]) => h('div', { class: 'trailer' }, badge(n > 1 ? `${key} ×${n}` : key, key.startsWith('Nacked') ? 'bad' : 'ok')))),
    h('td', {}, stateBadge(s.state), s.verdict !== null ? [' ', badge(s.verdict)] : null,
      s.reasons.length === 0 ? null : h('div', { class: 'muted', title: s.reasons.join('\n') }, s.reasons.slice(0, 2).join('; '), s.reasons.length > 2 ? ' …' : '')),
    h('td', {}, s.author !== null ? h('span', { title: s.author.email }, s.author.name) : who(s.poster)),
    h('td', { class: 'mono' }, when(s.date ?? s.ts)))
}

/**
 * Series, newest first, with filters (text, state, list, path touched,
 * trailer on every patch), in pages: the first PAGE rows render at once,
 * the rest load as "more" is pressed or scrolled into view.
 */
export async function seriesListPage (_params: Params, q: URLSearchParams): Promise<Page> {
  const filter = Object.fromEntries(FILTERS.map((k) => [k, q.get(k) ?? ''])) as Record<typeof FILTERS[number], string>
  const apply = (): void => { location.hash = `#/series${query(Object.fromEntries(FILTERS.map((k) => [k, inputs[k].value.trim()])))}` }
  const inputs = {
    q: h('input', { name: 'q', placeholder: 'filter: subject, project, list, patch', size: 34, value: filter.q, 'aria-label': 'filter' }),
    state: h('select', { name: 'state', 'aria-label': 'state' }, h('option', { value: '' }, 'any state'), ...STATES.map((s) => h('option', { value: s, selected: s === filter.state }, s))),
    list: h('input', { name: 'list', placeholder: 'list', size: 22, value: filter.list, 'aria-label': 'list' }),
    path: h('input', { name: 'path', placeholder: 'path touched: fs/xfs/, **/*.c', size: 24, value: filter.path, 'aria-label': 'path touched' }),
    trailer: h('input', { name: 'trailer', placeholder: 'trailer on every patch', size: 22, value: filter.trailer, list: 'trailer-keys', 'aria-label': 'trailer present' })
  }
  for (const el of Object.values(inputs)) el.addEventListener('change', apply)
  const keys = h('datalist', { id: 'trailer-keys' }, ...TRAILERS.map((k) => h('option', { value: k })))

  const count = h('p', { class: 'muted', id: 'series-count' })
  const grid = table(['series', 'project', 'versions', ['patches', 'num'], ['replies', 'num'], 'trailers (latest)', 'state', 'author', 'date'], [])
  const body = grid.tBodies[0] as HTMLTableSectionElement
  const more = h('button', { class: 'more', id: 'series-more' }, 'More')
  const list = h('div', {})
  let shown = 0
  let next: string | null = null
  let loading: Promise<void> | null = null

  const fetchPage = async (limit: number, cursor: string | null): Promise<SeriesPage> =>
    await getJson<SeriesPage>(`/api/series${query({ ...filter, limit, cursor: cursor ?? undefined })}`)
  const show = (total: number): void => {
    count.textContent = `${total} series${total > shown ? `, ${shown} shown` : ''}`
    more.hidden = next === null
    more.textContent = `More (${Math.min(PAGE, total - shown)} of ${total - shown} left)`
  }
  /** The first `want` rows again (the first page at least), in as few requests as the API allows. */
  const load = async (want: number): Promise<void> => {
    let page = await fetchPage(Math.min(MAX_PAGE, Math.max(PAGE, want)), null)
    const rows = [...page.series]
    while (rows.length < want && page.next !== null) {
      page = await fetchPage(Math.min(MAX_PAGE, want - rows.length), page.next)
      rows.push(...page.series)
    }
    next = page.next
    shown = rows.length
    body.replaceChildren(...rows.map(row))
    list.replaceChildren(page.total === 0
      ? h('p', { class: 'muted' }, FILTERS.every((k) => filter[k] === '') ? 'No series on this node yet: they arrive from the email bridge or from peers.' : 'No series matches.')
      : grid)
    show(page.total)
  }
  const loadMore = async (): Promise<void> => {
    if (next === null) return
    const page = await fetchPage(PAGE, next)
    next = page.next
    shown += page.series.length
    body.append(...page.series.map(row))
    show(page.total)
  }
  /** One load at a time: a live refresh and a "more" do not interleave their rows. A refresh asked for meanwhile runs after it. */
  let refreshAfter = false
  const once = (fn: () => Promise<void>, refresh = false): void => {
    if (loading !== null) {
      refreshAfter ||= refresh
      return
    }
    loading = fn().finally(() => {
      loading = null
      if (refreshAfter) {
        refreshAfter = false
        once(async () => await load(shown), true)
      }
    })
  }
  more.addEventListener('click', () => once(loadMore))
  // Auto-load: the button coming into view (scrolled to the end) loads the next page.
  const observer = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting) && !more.hidden) once(loadMore) }, { rootMargin: '300px' })
  observer.observe(more)

  await load(PAGE)
  return {
    el: h('section', {}, h('h1', {}, 'Series'), h('div', { class: 'filters' }, inputs.q, inputs.state, inputs.list, inputs.path, inputs.trailer, keys), count, list, more),
    onEvent: throttled(() => once(async () => await load(shown), true)),
    dispose: () => observer.disconnect()
  }
}
