import { h } from './dom.js'

/**
 * Diff lines into `pre`, coloured by their first character: added, removed,
 * hunk headers. In a file diff (`headers`) the `---`/`+++` lines name files;
 * in an interdiff every line's first character is its change.
 */
export function appendDiff (pre: HTMLElement, text: string, headers: boolean): void {
  for (const line of text.split('\n')) {
    const header = headers && (line.startsWith('+++') || line.startsWith('---'))
    const cls = header ? null : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : null
    pre.append(cls === null ? `${line}\n` : h('span', { class: cls }, `${line}\n`))
  }
}
