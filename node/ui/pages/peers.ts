import { getJson } from '../api.js'
import type { PeerJson } from '../api.js'
import { h, short, table } from '../dom.js'
import type { Page } from '../page.js'
import { throttled } from '../page.js'

const POLL_MS = 5000 // connections come and go without events: look again now and then

/** Who this node replicates with right now, and how much of each shared core they hold. */
export async function peersPage (): Promise<Page> {
  const list = h('div', {})
  const render = async (): Promise<void> => {
    const { peers } = await getJson<{ peers: PeerJson[] }>('/api/peers')
    list.replaceChildren(peers.length === 0
      ? h('p', { class: 'muted', id: 'no-peers' }, 'No peer is connected. Everything shown here comes from the local replica.')
      : table(['peer (transport key)', 'via', 'address', 'cores shared'], peers.map((p) => h('tr', {},
        h('td', { class: 'mono', title: p.key }, short(p.key)),
        h('td', {}, p.via ?? '—'),
        h('td', { class: 'mono' }, p.address ?? '—'),
        h('td', {}, ...p.cores.map((c) => h('div', { class: 'mono' }, `${c.kind} ${short(c.key)}: they have ${c.remoteLength ?? '?'} of ${c.localLength}`)))))))
  }
  await render()
  const timer = setInterval(() => { void render() }, POLL_MS)
  return {
    el: h('section', {}, h('h1', {}, 'Peers'), list),
    onEvent: throttled(() => { void render() }),
    dispose: () => clearInterval(timer)
  }
}
