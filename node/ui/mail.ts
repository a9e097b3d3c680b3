import { h } from './dom.js'

/** The trailers a review gives; the page highlights them where they were written. */
export const GIVEN_TRAILERS = ['Reviewed-by', 'Acked-by', 'Tested-by', 'Nacked-by']
const GIVEN = new RegExp(`^(${GIVEN_TRAILERS.join('|')}):\\s`, 'i')
const QUOTED = /^ ?>/

/** One `>` level off (and the space after it, as mail clients write "> text"). */
function unquote (line: string): string {
  return line.replace(/^ ?> ?/, '')
}

/** Unquoted lines as text with line breaks kept (pre-wrap); a given trailer gets its own highlighted span. */
function lines (run: string[], given: boolean): HTMLElement {
  const el = h('div', { class: 'lines' })
  run.forEach((line, i) => {
    const nl = i < run.length - 1 ? '\n' : ''
    const key = given ? GIVEN.exec(line)?.[1] : undefined
    el.append(key === undefined ? `${line}${nl}` : h('span', { class: 'trailer given', 'data-key': key }, line), key === undefined ? '' : nl)
  })
  return el
}

function appendLines (el: HTMLElement, text: string[], depth: number): void {
  let i = 0
  while (i < text.length) {
    const quoted = QUOTED.test(text[i] ?? '')
    const run: string[] = []
    while (i < text.length && QUOTED.test(text[i] ?? '') === quoted) run.push(text[i++] ?? '')
    if (!quoted) {
      el.append(lines(run, depth === 0))
      continue
    }
    const q = h('blockquote', {})
    appendLines(q, run.map(unquote), depth + 1)
    el.append(q)
  }
}

/**
 * Mail text as list readers expect it: line breaks kept, runs of `>` lines
 * as (nested) blockquotes, review trailers the writer gave highlighted (not
 * the ones quoted). Text nodes only: mail is hostile input.
 */
export function mailText (text: string): HTMLElement {
  const root = h('div', { class: 'mail-text' })
  appendLines(root, text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n'), 0)
  return root
}
