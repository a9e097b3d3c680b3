/**
 * One TAP/KTAP line, classified. Indentation is stripped by the caller:
 * nesting is the engine's job, this only says what the line is.
 * Every pattern is linear (no nested quantifiers): input is untrusted.
 */
export type TapLine =
  | { kind: 'version', version: number, ktap: boolean }
  | { kind: 'plan', start: number, end: number, comment: string }
  | { kind: 'test', ok: boolean, number: number | undefined, text: string }
  | { kind: 'bail', reason: string }
  | { kind: 'pragma', flags: string[] }
  | { kind: 'subtest', name: string }
  | { kind: 'comment', text: string }
  | { kind: 'yamlStart' }
  | { kind: 'yamlEnd' }
  | { kind: 'blank' }
  | { kind: 'unknown' }

const VERSION = /^(K?TAP) version (\d{1,6})\s*$/i
const PLAN = /^(\d{1,15})\.\.(\d{1,15})\s*(?:#\s*(.*))?$/
const TEST = /^(not ok|ok)(?=\s|$)\s*(.*)$/
const NUMBER = /^(\d{1,15})(?=\s|$)\s*(.*)$/
const BAIL = /^Bail out!\s*(.*)$/i
const PRAGMA = /^pragma\s+([+-][\w-]+(?:\s*,\s*[+-][\w-]+)*)\s*$/
const SUBTEST = /^#\s*Subtest(?::\s*(.*))?$/

export function classify (content: string): TapLine {
  const c = content.charCodeAt(0)
  if (Number.isNaN(c) || content.trim() === '') return { kind: 'blank' }

  if (c === 0x23 /* # */) {
    const sub = SUBTEST.exec(content)
    if (sub !== null) return { kind: 'subtest', name: (sub[1] ?? '').trim() }
    return { kind: 'comment', text: content.replace(/^#\s?/, '') }
  }
  if (c === 0x6f /* o */ || c === 0x6e /* n */) {
    const t = TEST.exec(content)
    if (t !== null) {
      const rest = t[2] ?? ''
      const num = NUMBER.exec(rest)
      return {
        kind: 'test',
        ok: t[1] === 'ok',
        number: num === null ? undefined : Number(num[1]),
        text: num === null ? rest : (num[2] ?? '')
      }
    }
  }
  if (c >= 0x30 && c <= 0x39) {
    const p = PLAN.exec(content)
    if (p !== null) return { kind: 'plan', start: Number(p[1]), end: Number(p[2]), comment: (p[3] ?? '').trim() }
  }
  const v = VERSION.exec(content)
  if (v !== null) return { kind: 'version', version: Number(v[2]), ktap: (v[1] as string).toUpperCase() === 'KTAP' }
  const b = BAIL.exec(content)
  if (b !== null) return { kind: 'bail', reason: (b[1] ?? '').trim() }
  const pr = PRAGMA.exec(content)
  if (pr !== null) return { kind: 'pragma', flags: (pr[1] as string).split(',').map(f => f.trim()) }
  const trimmed = content.trim()
  if (trimmed === '---') return { kind: 'yamlStart' }
  if (trimmed === '...') return { kind: 'yamlEnd' }
  return { kind: 'unknown' }
}

/** Count of leading spaces (tabs count as one column each: producers indent with spaces). */
export function indentOf (line: string): number {
  let i = 0
  while (i < line.length) {
    const ch = line.charCodeAt(i)
    if (ch !== 0x20 && ch !== 0x09) break
    i++
  }
  return i
}
