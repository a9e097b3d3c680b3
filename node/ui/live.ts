import type { EventJson } from './api.js'

type Listener = (event: EventJson) => void

/**
 * The node's event stream (/api/stream, server-sent events). EventSource
 * reconnects by itself; the indicator in the header says whether the page
 * is live.
 */
export function connectLive (indicator: HTMLElement, listener: Listener, reconnected: () => void = () => {}): () => void {
  const source = new EventSource('/api/stream')
  let hellos = 0
  const set = (state: 'on' | 'off', text: string): void => {
    indicator.className = `live ${state}`
    indicator.textContent = text
  }
  source.addEventListener('hello', () => {
    set('on', 'live')
    if (hellos++ > 0) reconnected() // events may have been indexed while we were away: redraw from the API
  })
  source.addEventListener('event', (m) => {
    try {
      listener(JSON.parse((m as MessageEvent<string>).data) as EventJson)
    } catch (err) {
      console.error('cairn: bad stream message', err)
    }
  })
  source.addEventListener('error', () => set('off', source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting…'))
  return () => source.close()
}
