import { h } from '../dom.js'
import type { Page } from '../page.js'

const KEY = 'cairn.token'

/** The API token the user pasted (kept in this browser only); '' when none. */
export function savedToken (): string {
  return localStorage.getItem(KEY) ?? ''
}

/**
 * Writes (reviews) need the node's API token. The node never hands it to a
 * page: the user copies it from HOME/api.token, and it stays in this browser.
 */
export async function settingsPage (): Promise<Page> {
  const input = h('input', { type: 'password', name: 'token', size: 70, placeholder: '64 hex characters from HOME/api.token', value: savedToken(), 'aria-label': 'API token' })
  const note = h('span', { class: 'muted' })
  const save = (): void => {
    const v = input.value.trim()
    if (v === '') localStorage.removeItem(KEY)
    else localStorage.setItem(KEY, v)
    note.textContent = v === '' ? 'Token removed.' : 'Saved in this browser.'
  }
  return {
    el: h('section', {},
      h('h1', {}, 'Settings'),
      h('h2', {}, 'API token'),
      h('p', {}, 'Reading needs nothing. Posting a review needs the node\'s token: ', h('code', {}, 'cat ~/.cairn/api.token'), '.'),
      h('div', { class: 'filters' }, input, h('button', { class: 'primary', onclick: save }, 'Save'), note))
  }
}
