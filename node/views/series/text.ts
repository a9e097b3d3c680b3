/**
 * Full-text search over series (SQLite FTS5, table `series_text`, a row per
 * series): what `series list --search` and `/api/series?search=` match.
 */
import { CairnError } from '../../../protocol/errors.js'
import type { SeriesView } from './model.js'

/** The searched columns of a series: every revision's subjects, senders, cover letters and commit messages. */
export function seriesText (s: SeriesView): { subject: string, sender: string, body: string } {
  const subject: string[] = []
  const sender: string[] = []
  const body: string[] = []
  const person = (p: { name: string, email: string } | undefined): void => { if (p !== undefined) sender.push(`${p.name} <${p.email}>`) }
  for (const r of s.revisions) {
    const b = r.body
    subject.push(b.subject)
    person(b.author)
    if (b.cover !== undefined) { subject.push(b.cover.subject); body.push(b.cover.body) }
    for (const p of b.patches) {
      if (p.missing === true) continue
      subject.push(p.subject)
      person(p.author)
      if (p.message !== undefined) body.push(p.message)
    }
  }
  return { subject: [...new Set(subject)].join('\n'), sender: [...new Set(sender)].join('\n'), body: body.join('\n') }
}

/** lei's prefixes, as the column names of series_text. */
const PREFIXES: Record<string, string> = { s: 'subject', f: 'sender', b: 'body', subject: 'subject', from: 'sender', sender: 'sender', body: 'body' }
const OPERATORS = new Set(['AND', 'OR', 'NOT', 'NEAR'])

/**
 * A search as FTS5 takes it: words (all must match), "a phrase", prefix*,
 * AND / OR / NOT, ( ), NEAR(a b), and lei's column prefixes s: (subject),
 * f: (sender), b: (body). A word with characters FTS5 does not take bare
 * (an address, a path, a version) is searched as a phrase.
 */
export function ftsQuery (search: string): string {
  const tokens = search.match(/(?:[a-z]+:)?"(?:[^"]|"")*"?|[()]|[^\s()"]+/gi) ?? []
  return tokens.map((token) => {
    const prefixed = /^([a-z]+):(.*)$/is.exec(token)
    const column = prefixed === null ? undefined : PREFIXES[(prefixed[1] as string).toLowerCase()]
    const word = column === undefined ? token : prefixed?.[2] as string
    const bare = word.startsWith('"') || word === '(' || word === ')' || OPERATORS.has(word) || /^[\p{L}\p{N}_]+\*?$/u.test(word)
    const term = bare || word === '' ? word : `"${word.replace(/"/g, '""')}"`
    return column === undefined ? term : `${column}:${term}`
  }).join(' ')
}

/** The coded error for a search FTS5 refused (a lone operator, an open quote or parenthesis). */
export function badSearch (search: string, err: Error): CairnError {
  return new CairnError('BAD_QUERY', `search "${search}": ${err.message.replace(/^fts5: /, '')}; use words, "phrases", prefix*, AND/OR/NOT, ( ) and s: f: b: (subject, sender, body)`)
}
