import { connectLive } from './live.js'
import { notFoundPage } from './pages/not-found.js'
import { loadNames, nameOf, selfKey } from './people.js'
import { Router } from './router.js'
import { ROUTES } from './routes.js'

const NAMED = new Set(['identity.link'])

/** Boot: names, the router over the route table, and the live stream feeding the open page. */
async function main (): Promise<void> {
  const view = document.getElementById('view') as HTMLElement
  const nav = document.getElementById('nav') as HTMLElement
  const live = document.getElementById('live') as HTMLElement
  await loadNames().catch(() => {})
  const whoami = document.getElementById('whoami')
  if (whoami !== null) whoami.textContent = `${nameOf(selfKey()) ?? ''} · ${selfKey()} · browsing the local replica`
  const router = new Router(ROUTES, view, nav, notFoundPage)
  connectLive(live, (event) => {
    if (NAMED.has(event.type)) void loadNames().then(() => router.onEvent(event))
    else router.onEvent(event)
  }, () => { void router.render() })
  await router.render()
}

void main()
