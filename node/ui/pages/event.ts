import { getJson } from '../api.js'
import type { EventDetail } from '../api.js'
import { h, kv, link, short, when } from '../dom.js'
import type { Page, Params } from '../page.js'
import { who } from '../people.js'
import { verifyEvent } from '../verify.js'
import type { Provenance } from '../verify.js'

function provenanceBox (p: Provenance | null, error?: unknown): HTMLElement {
  if (p === null) return h('div', { class: 'provenance failed', id: 'provenance' }, h('span', { class: 'verdict' }, 'signature not checked'), ` ${String(error)}`)
  return h('div', { class: `provenance ${p.ok ? 'verified' : 'failed'}`, id: 'provenance' },
    h('span', { class: 'verdict' }, p.ok ? '✓ signature verified' : '✗ verification FAILED'),
    h('span', { class: 'muted' }, ' in this browser (libsodium), from the signed bytes'),
    h('ul', {}, ...p.checks.map((c) => h('li', { class: c.ok ? '' : 'bad' }, c.ok ? '✓ ' : '✗ ', c.what))))
}

/** One event with its provenance: the signed bytes are checked here, and the body shown is the one decoded from them. */
export async function eventPage (params: Params): Promise<Page> {
  const id = params.id ?? ''
  const d = await getJson<EventDetail>(`/api/events/${encodeURIComponent(id)}`)
  const e = d.event
  let proof: Provenance | null = null
  let proofError: unknown
  try {
    proof = await verifyEvent(d)
  } catch (err) {
    proofError = err
  }
  const shown = proof?.signed?.body ?? e.body
  const extra: HTMLElement[] = []
  if (e.type === 'series.revision') extra.push(link(`#/revision/${e.id}`, 'Open as a series revision'))
  if (e.type === 'result') extra.push(link(`#/result/${e.id}`, 'Open as a result'))
  const el = h('section', {},
    h('h1', {}, `${e.type} `, h('span', { class: 'mono muted' }, short(e.id))),
    provenanceBox(proof, proofError),
    kv([
      ['event id', h('span', { class: 'mono' }, e.id)],
      ['type', e.type],
      ['author', [who(e.author), d.authorRoles.length > 0 ? ` (${d.authorRoles.join(', ')})` : '', h('div', { class: 'mono muted' }, e.author)]],
      ['time', `${when(e.ts)} (the author's clock, advisory)`],
      ['read from', h('span', { class: 'mono' }, `feed ${short(e.feed)} block ${e.seq}${d.signed !== null ? ` event ${d.signed.index}` : ''}`)],
      ['refers to', e.refs.length === 0 ? h('span', { class: 'muted' }, 'nothing') : e.refs.map((r) => h('div', {}, link(`#/event/${r}`, h('span', { class: 'mono' }, r))))],
      ['referred to by', d.referencedBy.length === 0 ? h('span', { class: 'muted' }, 'nothing yet') : d.referencedBy.map((r) => h('div', {}, link(`#/event/${r}`, h('span', { class: 'mono' }, r))))]
    ]),
    ...extra.map((x) => h('p', {}, x)),
    h('h2', {}, proof?.signed !== null && proof !== null ? 'Body (as signed)' : 'Body (as the node reports it)'),
    h('pre', { id: 'body' }, JSON.stringify(shown, null, 2)),
    d.signed === null ? null : h('details', {}, h('summary', {}, 'Signed bytes (hex)'), h('pre', { class: 'mono' }, `payload ${d.signed.payload}\n\nsignature ${d.signed.sig}`)))
  return { el }
}
