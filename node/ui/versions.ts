import { query } from './api.js'
import { badge, h, link, when } from './dom.js'

/** A revision as /api/revisions/:id lists the versions of its series. */
export interface VersionRow { id: string, version: number, ts: number, date: number | null, subject: string, total: number, present: number, state: string, reviews: number }

const KIND: Record<string, string> = {
  merged: 'ok', ready: 'ok', reviewed: 'ok', 'tested.pass': 'ok',
  rejected: 'bad', 'tested.fail': 'bad', incomplete: 'bad',
  testing: 'warn', stale: 'warn', superseded: 'stale'
}

/** A series or revision state as a badge, coloured by what it means for merging. */
export function stateBadge (state: string): HTMLSpanElement {
  return badge(state, KIND[state] ?? 'plain')
}

/**
 * The revisions of a series side by side (version, date, patches, state,
 * replies), each with a from / to choice and a button opening the interdiff
 * of the two picked. `current` is the revision the page shows.
 */
export function versionsStrip (versions: VersionRow[], picked: { from: string, to: string }, current?: string): HTMLElement {
  const go = h('button', { class: 'primary', id: 'interdiff-go' })
  const versionOf = (id: string): number | undefined => versions.find((v) => v.id === id)?.version
  const update = (): void => {
    go.textContent = `Interdiff v${versionOf(picked.from) ?? '?'} → v${versionOf(picked.to) ?? '?'}`
    go.disabled = picked.from === picked.to
  }
  go.addEventListener('click', () => { location.hash = `#/interdiff${query(picked)}` })
  const radio = (side: 'from' | 'to', v: VersionRow): HTMLLabelElement => {
    const input = h('input', { type: 'radio', name: side, value: v.id, checked: picked[side] === v.id, 'aria-label': `${side} v${v.version}` })
    input.addEventListener('change', () => { picked[side] = v.id; update() })
    return h('label', {}, input, ` ${side}`)
  }
  const several = versions.length > 1
  const cards = versions.map((v) => h('div', { class: `version${v.id === current ? ' current' : ''}`, 'data-version': v.version, 'data-id': v.id },
    h('div', { class: 'v' }, v.id === current ? h('strong', {}, `v${v.version}`) : link(`#/revision/${v.id}`, `v${v.version}`), ' ', stateBadge(v.state)),
    h('div', { class: 'mono muted' }, when(v.date ?? v.ts)),
    h('div', {}, `${v.present}/${v.total} patch${v.total === 1 ? '' : 'es'}`, v.present < v.total ? [' ', badge('incomplete', 'bad')] : null),
    h('div', { class: 'muted' }, `${v.reviews} repl${v.reviews === 1 ? 'y' : 'ies'}`),
    several ? h('div', { class: 'pick' }, radio('from', v), ' ', radio('to', v)) : null))
  update()
  return h('div', {},
    h('div', { class: 'versions', id: 'versions' }, ...cards),
    several ? h('div', { class: 'filters' }, go) : h('p', { class: 'muted' }, 'One revision so far: nothing to compare it with.'))
}

/** The interdiff a revision page offers first: the version before it, else the one after it. */
export function defaultPair (versions: VersionRow[], version: number): { from: string, to: string } {
  const i = versions.findIndex((v) => v.version === version)
  const at = versions[i]
  if (at === undefined) return { from: '', to: '' }
  const before = versions[i - 1]
  if (before !== undefined) return { from: before.id, to: at.id }
  return { from: at.id, to: versions[i + 1]?.id ?? at.id }
}
