import { getJson } from './api.js'
import type { ScheduleJson } from './api.js'
import { badge, h, table } from './dom.js'

/** An ISO time as the UI writes times: UTC, to the minute. */
const at = (iso: string | null): string => iso === null ? 'never' : iso.slice(0, 16).replace('T', ' ') + ' UTC'

/**
 * The node's scheduled jobs (GET /api/schedules) with their last and next
 * run; the CI configuration's are marked, as only its ci.yaml changes them.
 */
export function schedulesSection (): { el: HTMLElement, render: () => Promise<void> } {
  const body = h('div', {})
  const el = h('section', { id: 'schedules' }, h('h2', {}, 'Schedules'), body)
  const render = async (): Promise<void> => {
    const { schedules } = await getJson<{ schedules: ScheduleJson[] }>('/api/schedules')
    if (schedules.length === 0) {
      body.replaceChildren(h('p', { class: 'muted' }, 'No scheduled jobs (cairn schedule add, or schedules: in ci.yaml).'))
      return
    }
    body.replaceChildren(table(['name', 'every', 'ref', 'profile', 'last run', 'next run'], schedules.map((s) =>
      h('tr', { 'data-name': s.name },
        h('td', {}, s.name, ' ', s.readOnly ? badge('ci.yaml', 'muted') : ''),
        h('td', {}, s.every + (s.at === null ? '' : ` at ${s.at} UTC`)),
        h('td', { class: 'mono', title: s.repo }, s.ref),
        h('td', {}, s.profile),
        h('td', { class: 'mono' }, at(s.lastRun)),
        h('td', { class: 'mono' }, at(s.nextRun))))))
  }
  return { el, render }
}
