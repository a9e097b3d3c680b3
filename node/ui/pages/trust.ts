import { getJson } from '../api.js'
import { h, table } from '../dom.js'
import type { Page } from '../page.js'
import { throttled } from '../page.js'
import { who } from '../people.js'

/** Whom this node trusts and for what, and every identity that published a profile. */
export async function trustPage (): Promise<Page> {
  const trusted = h('div', {})
  const people = h('div', {})
  const render = async (): Promise<void> => {
    const [t, ids] = await Promise.all([
      getJson<{ trust: Array<{ key: string, roles: string[] }> }>('/api/trust'),
      getJson<{ identities: Array<{ key: string, name: string | null, emails: string[], roles: string[] }> }>('/api/identities')
    ])
    trusted.replaceChildren(t.trust.length === 0
      ? h('p', { class: 'muted' }, 'This node trusts nobody yet (cairn trust add KEY --role ROLE).')
      : table(['identity', 'roles'], t.trust.map((x) => h('tr', {}, h('td', {}, who(x.key)), h('td', {}, x.roles.join(', '))))))
    people.replaceChildren(ids.identities.length === 0
      ? h('p', { class: 'muted' }, 'No identity has published a profile (identity.link).')
      : table(['identity', 'name', 'emails', 'roles here'], ids.identities.map((x) => h('tr', {},
        h('td', {}, who(x.key)), h('td', {}, x.name ?? ''), h('td', {}, x.emails.join(', ')), h('td', {}, x.roles.join(', '))))))
  }
  await render()
  return {
    el: h('section', {}, h('h1', {}, 'Trust'), trusted, h('h2', {}, 'Identities'), people),
    onEvent: throttled(() => { void render() })
  }
}
