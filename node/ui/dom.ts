/** A tiny DOM builder: no framework, no innerHTML with data (text nodes only, so no injection). */
type Child = Node | string | number | null | undefined | false
type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>

export function h<K extends keyof HTMLElementTagNameMap> (tag: K, attrs: Attrs = {}, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v)
    else if (v === true) el.setAttribute(k, '')
    else el.setAttribute(k, String(v))
  }
  append(el, ...children)
  return el
}

function append (el: Element, ...children: Array<Child | Child[]>): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c)
  }
}

export function clear (el: Element): void {
  while (el.firstChild !== null) el.firstChild.remove()
}

/** First 12 hex characters: enough to tell keys and ids apart on a page. */
export function short (hex: string): string {
  return hex.slice(0, 12)
}

export function when (ts: number): string {
  const d = new Date(ts)
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')
}

export function link (href: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href }, ...children)
}

export function badge (text: string, kind = text): HTMLSpanElement {
  return h('span', { class: `badge ${kind}` }, text)
}

export function kv (pairs: Array<[string, Child | Child[]]>): HTMLDListElement {
  const dl = h('dl', { class: 'kv' })
  for (const [k, v] of pairs) append(dl, h('dt', {}, k), h('dd', {}, ...(Array.isArray(v) ? v : [v])))
  return dl
}

export function table (head: Array<string | [string, string]>, rows: HTMLTableRowElement[]): HTMLTableElement {
  return h('table', {},
    h('thead', {}, h('tr', {}, ...head.map((c) => Array.isArray(c) ? h('th', { class: c[1] }, c[0]) : h('th', {}, c)))),
    h('tbody', {}, ...rows))
}

export function errorBox (err: unknown): HTMLElement {
  return h('div', { class: 'error-box', role: 'alert' }, err instanceof Error ? err.message : String(err))
}

export function formatMs (ms: number | undefined): string {
  if (ms === undefined) return ''
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}

/** replaceChildren that takes what h() takes (arrays, null, false). */
export function replace (el: Element, ...children: Array<Child | Child[]>): void {
  clear(el)
  append(el, ...children)
}
