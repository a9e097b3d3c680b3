import type { TestStatus } from './types.js'

/** The text after `ok N` split into what names the test and what qualifies its result. */
interface TestPointText {
  description: string
  /** Status forced by a directive, given whether the line said `ok`. */
  directive?: 'skip' | 'todo' | 'xfail' | 'xpass' | 'timeout' | 'error'
  /** Directive reason or KTAP diagnostic data (`# rcode=0`, `# exit=1`). */
  reason?: string
  /** Milliseconds from a trailing `# time=` comment (node-tap, brittle). */
  duration?: number
}

export type DirectiveSplitter = (text: string) => TestPointText

/**
 * Position of each unescaped `#` (TAP 14: `\#` is a literal hash, `\\` a
 * literal backslash), scanned by hand so a hostile line cannot backtrack.
 */
function hashes (text: string): number[] {
  const out: number[] = []
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (ch === 0x5c /* \ */) i++
    else if (ch === 0x23) out.push(i)
  }
  return out
}

function unescape (text: string): string {
  return text.includes('\\') ? text.replace(/\\([\\#])/g, '$1') : text
}

function cleanDescription (text: string): string {
  // "ok 1 - foo": the dash is TAP punctuation, not part of the name.
  return unescape(text.trim().replace(/^-(\s+|$)/, '').trim())
}

const TAP_DIRECTIVE = /^\s*(skip\w*|todo)\b:?(?:\s+(.*))?$/i
const KTAP_DIRECTIVE = /^\s*(skip\w*|todo|xfail|xpass|timeout|error)\b:?(?:\s+(.*))?$/i

function directiveOf (word: string): NonNullable<TestPointText['directive']> {
  const w = word.toLowerCase()
  return w.startsWith('skip') ? 'skip' : w as NonNullable<TestPointText['directive']>
}

function split (text: string, pattern: RegExp, anyHashSplits: boolean): TestPointText {
  for (const at of hashes(text)) {
    const after = text.slice(at + 1)
    const m = pattern.exec(after)
    if (m !== null) {
      const out: TestPointText = {
        description: cleanDescription(text.slice(0, at)),
        directive: directiveOf(m[1] as string)
      }
      const reason = (m[2] ?? '').trim()
      if (reason !== '') out.reason = reason
      return out
    }
    if (anyHashSplits) {
      const out: TestPointText = { description: cleanDescription(text.slice(0, at)) }
      const reason = after.trim()
      if (reason !== '') out.reason = reason
      return out
    }
  }
  return { description: cleanDescription(text) }
}

/** node-tap's `# time=12.3ms` and brittle's `# time = 0.5ms` (`s` also read) ending a test point. */
const TIME_COMMENT = /^\s*time\s*=\s*(\d+(?:\.\d+)?)\s*(?:(ms|s)\s*)?$/i // no two \s* side by side: a long run of spaces must not backtrack

/**
 * TAP 13/14: only `# SKIP` and `# TODO` (any case, `skipped` counts) are
 * directives; any other `#` belongs to the description, as in TAP::Parser,
 * except a last `# time=...`, which is the test's duration (as node-tap's
 * own parser reads it): kept in the name, every run would rename the test.
 */
export const splitTap: DirectiveSplitter = text => {
  const at = hashes(text).at(-1)
  const m = at === undefined ? null : TIME_COMMENT.exec(text.slice(at + 1))
  if (at === undefined || m === null) return split(text, TAP_DIRECTIVE, false)
  const ms = Math.round(Number(m[1]) * (m[2]?.toLowerCase() === 's' ? 1000 : 1))
  const point = split(text.slice(0, at), TAP_DIRECTIVE, false)
  return Number.isSafeInteger(ms) ? { ...point, duration: ms } : point // a result holds durations as safe integers
}

/**
 * KTAP / kselftest: the first `#` always ends the description; a known
 * directive (SKIP, TODO, XFAIL, XPASS, TIMEOUT, ERROR, any case) sets the
 * status and anything else is diagnostic data (`# exit=1`).
 */
export const splitKtap: DirectiveSplitter = text => split(text, KTAP_DIRECTIVE, true)

/** Status of a test point: directive first, then ok / not ok. */
export function statusOf (ok: boolean, directive: TestPointText['directive']): TestStatus {
  switch (directive) {
    case 'skip': return 'skip'
    case 'todo': return ok ? 'xpass' : 'xfail'
    case 'xfail': return 'xfail'
    case 'xpass': return 'xpass'
    case 'timeout': return 'error'
    case 'error': return 'error'
    default: return ok ? 'pass' : 'fail'
  }
}
