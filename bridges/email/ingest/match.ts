import { pathMatcher } from '../../../machines/match.js'
import { CairnError } from '../../../protocol/errors.js'
import type { MailRecord } from './mail-record.js'
import type { ParsedMail } from '../parse/types.js'
import type { Series } from '../series/series.js'

/**
 * `--match path:GLOB` and `--match keyword:WORD`, the pre-filter of a local
 * patchwork: a series is published when one of its revisions touches a path
 * matching one of the globs (when any is given) and names one of the words
 * (when any is given) in a subject or a commit message, case-insensitively.
 * A glob ending in `/` means everything below it, as in MAINTAINERS.
 */
export interface MatchSpec {
  paths: string[]
  keywords: string[]
}

export function parseMatches (specs: readonly string[]): MatchSpec {
  const out: MatchSpec = { paths: [], keywords: [] }
  for (const spec of specs) {
    const m = /^(path|keyword):(.+)$/.exec(spec)
    if (m === null) throw new CairnError('USAGE', `--match "${spec}": expected path:GLOB or keyword:WORD`)
    if (m[1] === 'path') out.paths.push(m[2] as string)
    else out.keywords.push((m[2] as string).toLowerCase())
  }
  return out
}

export function isFiltering (spec: MatchSpec): boolean {
  return spec.paths.length > 0 || spec.keywords.length > 0
}

/** A predicate over series; `records` finds each mail's files (its diff is not kept in the state). */
export function seriesMatcher (spec: MatchSpec, records: ReadonlyMap<ParsedMail, MailRecord>): (s: Series) => boolean {
  const globs = spec.paths.map(pathMatcher)
  return (s) => s.revisions.some((rev) => {
    const mails: ParsedMail[] = []
    if (rev.cover !== undefined) mails.push(rev.cover.mail)
    for (const p of rev.patches) if (!p.missing) mails.push(p.mail)
    const pathOk = globs.length === 0 || mails.some((m) => (records.get(m)?.files ?? []).some((f) => globs.some((g) => g(f))))
    if (!pathOk) return false
    if (spec.keywords.length === 0) return true
    const text = mails.map((m) => `${m.rawSubject}\n${m.message}`).join('\n').toLowerCase()
    return spec.keywords.some((k) => text.includes(k))
  })
}
