import { h, link } from '../dom.js'
import type { Page } from '../page.js'

export async function notFoundPage (): Promise<Page> {
  return { el: h('section', {}, h('h1', {}, 'Not found'), h('p', {}, 'No page at ', h('code', {}, location.hash), '. ', link('#/', 'Back to the overview'), '.')) }
}
