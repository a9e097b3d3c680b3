import type { EventJson } from './api.js'
import { clear, errorBox, h } from './dom.js'
import type { Page, PageFactory, Params } from './page.js'

export interface Route {
  /** `#/path/:param` */
  path: string
  page: PageFactory
  /** Shown in the top navigation under this label (in table order). */
  nav?: string
  /** The navigation entry to highlight for a page that has none (an event under Events). */
  section?: string
}

interface Compiled { route: Route, re: RegExp, names: string[] }

function compile (route: Route): Compiled {
  const names: string[] = []
  const re = new RegExp('^' + route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, name: string) => { names.push(name); return '([^/]+)' }) + '$')
  return { route, re, names }
}

/** Hash routing: `#/events?type=note` picks the page from the route table and hands it params and query. */
export class Router {
  private readonly compiled: Compiled[]
  private current: Page | null = null
  private generation = 0

  constructor (routes: Route[], private readonly view: HTMLElement, private readonly nav: HTMLElement, private readonly notFound: PageFactory) {
    this.compiled = routes.map(compile)
    for (const r of routes) if (r.nav !== undefined) this.nav.append(h('a', { href: `#${r.path}`, 'data-path': r.path }, r.nav))
    window.addEventListener('hashchange', () => { void this.render() })
  }

  async render (): Promise<void> {
    const gen = ++this.generation
    const hash = location.hash.replace(/^#/, '') || '/'
    const [path = '/', search = ''] = hash.split('?')
    let params: Params = {}
    let match: Compiled | undefined
    for (const c of this.compiled) {
      const m = c.re.exec(path)
      if (m === null) continue
      match = c
      params = Object.fromEntries(c.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]))
      break
    }
    const section = match?.route.section ?? match?.route.path
    for (const a of this.nav.querySelectorAll('a')) a.classList.toggle('active', a.getAttribute('data-path') === section)
    let page: Page
    try {
      page = await (match?.route.page ?? this.notFound)(params, new URLSearchParams(search))
    } catch (err) {
      page = { el: h('section', {}, errorBox(err)) }
    }
    if (gen !== this.generation) { page.dispose?.(); return } // the user moved on meanwhile
    this.current?.dispose?.()
    this.current = page
    clear(this.view)
    this.view.append(page.el)
    // Which page is showing, for tests and styles: <main data-route="/series">
    this.view.dataset.route = match?.route.path ?? 'not-found'
  }

  onEvent (event: EventJson): void {
    this.current?.onEvent?.(event)
  }
}
