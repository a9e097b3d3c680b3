import type { EventJson } from './api.js'

/** What a page gives the router: its element, and what to do when a new event is indexed. */
export interface Page {
  el: HTMLElement
  /** Called for every event the node indexes while the page is open (live updates). */
  onEvent?: (event: EventJson) => void
  dispose?: () => void
}

/** Route parameters from the URL fragment, e.g. #/event/ID -> { id }. */
export type Params = Record<string, string>

export type PageFactory = (params: Params, query: URLSearchParams) => Promise<Page>

/**
 * Re-render a page's content on relevant events, at most every `ms`: a burst
 * of replicated events becomes one refetch, not hundreds.
 */
export function throttled (fn: () => void, ms = 300): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null
  return () => {
    if (timer !== null) return
    timer = setTimeout(() => { timer = null; fn() }, ms)
  }
}
