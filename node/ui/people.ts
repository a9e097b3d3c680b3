import { getJson } from './api.js'
import { h, short } from './dom.js'

/** Display names of identities (identity.link), refreshed when one changes. */
const names = new Map<string, string>()
let self = ''

export async function loadNames (): Promise<void> {
  const [ids, status] = await Promise.all([
    getJson<{ identities: Array<{ key: string, name: string | null }> }>('/api/identities'),
    getJson<{ identity: string, name: string }>('/api/status')
  ])
  names.clear()
  self = status.identity
  if (status.name !== '') names.set(status.identity, status.name)
  for (const i of ids.identities) if (i.name !== null) names.set(i.key, i.name)
}

export function nameOf (key: string): string | null {
  return names.get(key) ?? null
}

export function selfKey (): string {
  return self
}

/** An identity as a person reads it: the name it gave itself, else the start of its key; the key on hover. */
export function who (key: string): HTMLElement {
  const name = names.get(key)
  return h('a', { href: `#/events?author=${key}`, class: name === undefined ? 'mono' : '', title: key }, name ?? short(key), key === self ? ' (this node)' : '')
}
