import { getJson, query } from '../api.js'
import type { EventJson } from '../api.js'
import { badge, h, link, table, when } from '../dom.js'
import type { Page, Params } from '../page.js'
import { throttled } from '../page.js'
import { who } from '../people.js'

interface SeriesRow {
  project: string
  series: string
  latest: EventJson & { body: { subject: string, version: number, total: number, patches: unknown[], source: { list?: string } } }
  versions: Array<{ id: string, version: number }>
  reviews: number
  trailers: Array<{ key: string, value: string }>
}

/** Series, newest first, with a text filter; each row links to its latest revision. */
export async function seriesListPage (_params: Params, q: URLSearchParams): Promise<Page> {
  const text = q.get('q') ?? ''
  const input = h('input', { name: 'q', placeholder: 'filter: subject, project, list, patch', size: 40, value: text, 'aria-label': 'filter' })
  input.addEventListener('change', () => { location.hash = `#/series${query({ q: input.value.trim() })}` })
  const list = h('div', {})
  const render = async (): Promise<void> => {
    const r = await getJson<{ total: number, series: SeriesRow[] }>(`/api/series${query({ q: text, limit: 500 })}`)
    list.replaceChildren(r.total === 0
      ? h('p', { class: 'muted' }, text === '' ? 'No series on this node yet: they arrive from the email bridge or from peers.' : 'No series matches.')
      : table(['series', 'project', 'versions', ['patches', 'num'], ['reviews', 'num'], 'trailers (latest)', 'author', 'updated'], r.series.map((s) => h('tr', {},
        h('td', {}, link(`#/revision/${s.latest.id}`, s.latest.body.subject)),
        h('td', {}, s.project, s.latest.body.source.list !== undefined ? h('div', { class: 'muted' }, s.latest.body.source.list) : null),
        h('td', {}, ...s.versions.map((v) => [link(`#/revision/${v.id}`, `v${v.version}`), ' '])),
        h('td', { class: 'num' }, s.latest.body.total),
        h('td', { class: 'num' }, s.reviews),
        h('td', {}, ...s.trailers.slice(0, 4).map((t) => h('div', { class: 'trailer' }, badge(t.key, t.key.startsWith('Nacked') ? 'bad' : 'ok')))),
        h('td', {}, who(s.latest.author)),
        h('td', { class: 'mono' }, when(s.latest.ts))))))
  }
  await render()
  return {
    el: h('section', {}, h('h1', {}, 'Series'), h('div', { class: 'filters' }, input), list),
    onEvent: throttled(() => { void render() })
  }
}
