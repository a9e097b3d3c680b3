import { getJson, query } from '../api.js'
import { appendDiff } from '../diff.js'
import { badge, h, link } from '../dom.js'
import type { Page, Params } from '../page.js'
import { versionsStrip } from '../versions.js'
import type { VersionRow } from '../versions.js'

interface Side { id: string, series: string, version: number, subject: string, total: number }
interface PatchRef { index: number, subject: string }
type Status = 'same' | 'changed' | 'dropped' | 'added'
interface InterdiffJson {
  from: Side
  to: Side
  counts: Record<Status, number>
  pairs: Array<{ status: Status, from: PatchRef | null, to: PatchRef | null, diff: string | null }>
  missing: { from: number[], to: number[] }
}

const MARK: Record<Status, string> = { same: '=', changed: '!', dropped: '<', added: '>' }
const KIND: Record<Status, string> = { same: 'ok', changed: 'warn', dropped: 'bad', added: 'ok' }

/** The interdiff of two revisions (`#/interdiff?from=ID&to=ID`): patches paired range-diff style, each change as a diff of the patch texts. */
export async function interdiffPage (_params: Params, q: URLSearchParams): Promise<Page> {
  const from = q.get('from') ?? ''
  const to = q.get('to') ?? ''
  const asked = getJson<{ versions: VersionRow[] }>(`/api/revisions/${encodeURIComponent(to)}`)
  asked.catch(() => {}) // the interdiff's own error says what is wrong with from and to
  const d = await getJson<InterdiffJson>(`/api/interdiff${query({ from, to })}`)
  const series = await asked
  const label = (s: Side, p: PatchRef | null): string => `v${s.version} ${p === null ? '-' : p.index}/${s.total}`
  const c = d.counts
  const missing = (s: Side, list: number[]): HTMLElement | null => list.length === 0 ? null : h('p', { class: 'muted' }, `v${s.version} lacks patch${list.length > 1 ? 'es' : ''} ${list.join(', ')}: never received.`)
  return {
    el: h('section', {},
      h('h1', {}, `Interdiff v${d.from.version} → v${d.to.version}: `, d.to.subject),
      h('p', { class: 'muted' }, 'Each patch of ', link(`#/revision/${d.from.id}`, `v${d.from.version}`), ' paired with one of ', link(`#/revision/${d.to.id}`, `v${d.to.version}`),
        ' (same subject, else same place); a changed pair shows the diff of the two patch texts (message and diff), as git range-diff does.'),
      h('h2', {}, 'Revisions'),
      versionsStrip(series.versions, { from: d.from.id, to: d.to.id }),
      h('p', { id: 'interdiff-counts' }, `${c.changed} changed, ${c.same} unchanged, ${c.dropped} dropped, ${c.added} new`),
      h('div', { id: 'interdiff' }, ...d.pairs.map((p) => {
        const pre = p.diff === null ? null : h('pre', { class: 'log diff' })
        if (pre !== null && p.diff !== null) appendDiff(pre, p.diff, false)
        return h('div', { class: 'pair', 'data-status': p.status },
          h('div', { class: 'mono' }, `${label(d.from, p.from)} ${MARK[p.status]} ${label(d.to, p.to)}  `, badge(p.status, KIND[p.status]), ' ', (p.to ?? p.from)?.subject ?? ''),
          pre)
      })),
      missing(d.from, d.missing.from),
      missing(d.to, d.missing.to))
  }
}
