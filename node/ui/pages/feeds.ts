import { getJson } from '../api.js'
import type { FeedJson } from '../api.js'
import { h, short, table } from '../dom.js'
import type { Page } from '../page.js'
import { throttled } from '../page.js'
import { who } from '../people.js'

interface Rejection { feed: string, seq: number, index?: number, code: string, reason: string }

/** Every core this node carries: how far it is replicated here and indexed, and what is still missing. */
export async function feedsPage (): Promise<Page> {
  const list = h('div', {})
  const rejected = h('div', {})
  const render = async (): Promise<void> => {
    const [{ feeds }, rej] = await Promise.all([
      getJson<{ feeds: FeedJson[] }>('/api/feeds'),
      getJson<{ total: number, rejections: Rejection[] }>('/api/rejections?limit=100')
    ])
    list.replaceChildren(table(['feed', 'kind', 'writer', ['hops', 'num'], ['length', 'num'], ['here', 'num'], ['indexed', 'num'], ['missing', 'num'], ['peers', 'num']],
      feeds.map((f) => h('tr', { 'data-key': f.key },
        h('td', { class: 'mono', title: f.key }, short(f.key), f.own ? h('span', { class: 'muted' }, ' own') : null),
        h('td', {}, f.kind),
        h('td', {}, f.author !== null ? who(f.author) : h('span', { class: 'muted' }, f.kind === 'blobs' ? '' : 'unknown yet')),
        h('td', { class: 'num' }, f.hops),
        h('td', { class: 'num' }, f.length),
        h('td', { class: 'num' }, f.contiguous),
        h('td', { class: 'num' }, f.indexed ?? '—'),
        h('td', { class: 'num' }, f.missing > 0 ? h('span', { class: 'badge warn' }, f.missing) : '0'),
        h('td', { class: 'num' }, f.peers)))))
    rejected.replaceChildren(rej.total === 0
      ? h('p', { class: 'muted' }, 'No event was rejected.')
      : table(['feed', ['block', 'num'], ['event', 'num'], 'code', 'reason'], rej.rejections.map((r) => h('tr', {},
        h('td', { class: 'mono' }, short(r.feed)), h('td', { class: 'num' }, r.seq), h('td', { class: 'num' }, r.index ?? 'all'), h('td', {}, r.code), h('td', {}, r.reason)))))
  }
  await render()
  const el = h('section', {},
    h('h1', {}, 'Feeds'),
    h('p', { class: 'muted' }, 'length: blocks the writer is known to have; here: held locally without gaps; indexed: verified into the views; missing: still to fetch from a peer.'),
    list,
    h('h2', {}, 'Rejected events'),
    rejected)
  return { el, onEvent: throttled(() => { void render() }) }
}
