import { getJson, query } from '../api.js'
import type { ResultRow } from '../api.js'
import { badge, h, link, short, table, when } from '../dom.js'
import type { Page, Params } from '../page.js'
import { throttled } from '../page.js'
import { who } from '../people.js'

const VERDICTS = ['pass', 'fail', 'error', 'apply-failed', 'aborted', 'reused']

/** A reused result's counts are the run's it stands for (the API resolves it), said so. */
export function countsText (r: ResultRow): string {
  const c = r.counts
  const of = r.run !== null && r.run !== r.id ? ` (run ${short(r.run)})` : r.run === null ? ' (its run is not here)' : ''
  return `${r.total} tests: ${c.pass ?? 0} pass, ${(c.fail ?? 0) + (c.error ?? 0) + (c.xpass ?? 0)} failing, ${c.skip ?? 0} skipped${of}`
}

/** What the result tested: the series revision (linked) or the baseline's ref or commit; stale marked. */
function testedCell (r: ResultRow): HTMLElement {
  const t = r.tested
  const what = t.revision !== null ? link(`#/revision/${t.revision}`, t.label) : h('span', { title: t.base ?? '' }, t.label)
  return h('td', { class: 'tested' }, what, t.profile === null ? '' : h('span', { class: 'muted' }, ` ${t.profile}`), r.stale ? [' ', badge('stale', 'skip')] : null)
}

/** Every result, newest first; pick two to compare. */
export async function resultsPage (_params: Params, q: URLSearchParams): Promise<Page> {
  const verdict = q.get('verdict') ?? ''
  const sel = h('select', { name: 'verdict', 'aria-label': 'verdict' }, h('option', { value: '' }, 'any verdict'), ...VERDICTS.map((v) => h('option', { value: v, selected: v === verdict }, v)))
  sel.addEventListener('change', () => { location.hash = `#/results${query({ verdict: sel.value })}` })
  const compare = h('button', { class: 'primary', disabled: true }, 'Compare A → B')
  const picked: { a: string, b: string } = { a: '', b: '' }
  compare.addEventListener('click', () => { location.hash = `#/compare${query(picked)}` })
  const list = h('div', {})
  const render = async (): Promise<void> => {
    const r = await getJson<{ total: number, results: ResultRow[] }>(`/api/results${query({ verdict, limit: 200 })}`)
    const radio = (side: 'a' | 'b', id: string): HTMLInputElement => {
      const input = h('input', { type: 'radio', name: side, value: id, checked: picked[side] === id, 'aria-label': `${side.toUpperCase()} ${short(id)}` })
      input.addEventListener('change', () => { picked[side] = id; compare.disabled = picked.a === '' || picked.b === '' || picked.a === picked.b })
      return input
    }
    list.replaceChildren(r.total === 0
      ? h('p', { class: 'muted' }, 'No result on this node yet: runners publish them.')
      : table(['A', 'B', 'result', 'verdict', 'tested', 'tests', 'build', 'test run', 'runner', 'when'], r.results.map((x) => h('tr', { 'data-id': x.id },
        h('td', {}, radio('a', x.id)),
        h('td', {}, radio('b', x.id)),
        h('td', {}, link(`#/result/${x.id}`, h('span', { class: 'mono' }, short(x.id)))),
        h('td', {}, badge(x.body.verdict)),
        testedCell(x),
        h('td', {}, countsText(x)),
        h('td', { class: 'mono', title: x.body.build }, x.body.build.slice(0, 16)),
        h('td', { class: 'mono', title: x.body.testRun }, x.body.testRun.slice(0, 16)),
        h('td', {}, who(x.author)),
        h('td', { class: 'mono' }, when(x.ts))))))
  }
  await render()
  return {
    el: h('section', {}, h('h1', {}, 'Results'), h('div', { class: 'filters' }, sel, compare), list),
    onEvent: throttled(() => { void render() })
  }
}
