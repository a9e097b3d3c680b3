import { getJson } from '../api.js'
import type { EventJson, StatusJson } from '../api.js'
import { h, link, short, table, when } from '../dom.js'
import type { Page } from '../page.js'
import { throttled } from '../page.js'
import { who } from '../people.js'
import { schedulesSection } from '../schedules.js'
import { summary } from '../summary.js'

export function eventRow (e: EventJson, fresh = false): HTMLTableRowElement {
  return h('tr', { class: fresh ? 'new' : null, 'data-id': e.id },
    h('td', { class: 'mono' }, when(e.ts)),
    h('td', {}, e.type),
    h('td', {}, who(e.author)),
    h('td', {}, link(`#/event/${e.id}`, summary(e) || short(e.id))))
}

export const EVENT_HEAD = ['time (author clock)', 'type', 'author', 'what']

/** The node at a glance: counts, the latest events (live) and the scheduled jobs. */
export async function overviewPage (): Promise<Page> {
  const el = h('section', {})
  const cards = h('div', { class: 'cards' })
  const types = h('div', {})
  const recent = h('tbody', {})
  const schedules = schedulesSection()
  const render = async (): Promise<void> => {
    await schedules.render()
    const [s, peers, latest] = await Promise.all([
      getJson<StatusJson>('/api/status'),
      getJson<{ peers: unknown[] }>('/api/peers'),
      getJson<{ events: EventJson[] }>('/api/events?limit=15')
    ])
    const card = (n: number | string, l: string, href: string): HTMLElement => h('a', { class: 'card', href }, h('div', { class: 'n' }, n), h('div', { class: 'l' }, l))
    cards.replaceChildren(
      card(s.events, 'events indexed', '#/events'),
      card(s.feeds.filter((f) => f.kind === 'events').length, 'event feeds', '#/feeds'),
      card(peers.peers.length, 'peers connected', '#/peers'),
      card(s.trusted, 'identities trusted', '#/trust'),
      card(s.rejected, 'events rejected', '#/feeds'))
    types.replaceChildren(table(['type', ['events', 'num']], Object.entries(s.types).sort().map(([t, n]) =>
      h('tr', {}, h('td', {}, link(`#/events?type=${t}`, t)), h('td', { class: 'num' }, n)))))
    recent.replaceChildren(...latest.events.map((e) => eventRow(e)))
    el.querySelector('.identity')?.replaceChildren(`${s.name} · identity `, h('span', { class: 'mono', title: s.identity }, short(s.identity)))
  }
  el.append(
    h('h1', {}, 'This node'),
    h('p', { class: 'muted identity' }),
    cards,
    h('div', { class: 'row' },
      h('div', {}, h('h2', {}, 'Latest events'), h('table', {}, h('thead', {}, h('tr', {}, ...EVENT_HEAD.map((c) => h('th', {}, c)))), recent)),
      h('div', { class: 'side' }, h('h2', {}, 'By type'), types)),
    schedules.el)
  await render()
  const refresh = throttled(() => { void render() })
  return { el, onEvent: refresh }
}
