/**
 * What one piece of xfstests `./check` output says about the test it is
 * reporting. check prints a test's outcome in fragments (`printf` the name,
 * `echo -n` the last time, then `[not run]`, `[failed, exit status N]`,
 * `- output mismatch`, `_check_*: ...`), and console noise or timestamps
 * (`-T`) may split them over lines, so each fragment is read on its own.
 */

/** Test ids: `generic/001`, `xfs/348`, named tests `generic/001-foo` ($VALID_TEST_NAME). */
export const TEST_ID = /^([A-Za-z0-9_.-]+\/\d{3,}(?:-[A-Za-z0-9_-]+)?)(?=\s|$)/
export const TEST_ID_ONLY = /^[A-Za-z0-9_.-]+\/\d{3,}(?:-[A-Za-z0-9_-]+)?$/

export interface Fragment {
  verdict?: 'pass' | 'fail' | 'skip' | 'error'
  /** Duration of this run in ms (pass lines end with ` 2s`). */
  duration?: number
  /** Why: `[not run]` text, `[failed, exit status 1]`, `output mismatch (see ...)`. */
  reasons: string[]
  /** `[not run]` with its reason on the next line (`-T` prints it as `\tNAME -- reason`). */
  notRunPending?: boolean
}

const STAMP = /\s*\[\d\d:\d\d:\d\d\]/g
const LAST_TIME = /^\s*\d+s \.\.\./
const PASS_TIME = /^\s*(\d+)s\s*$/

/** Read the text after a test's name (or a continuation line of the same test). */
export function readFragment (text: string): Fragment {
  const f: Fragment = { reasons: [] }
  let rest = text.replace(STAMP, '').replace(LAST_TIME, '')
  const take = (re: RegExp, fn: (m: RegExpExecArray) => void): void => {
    const m = re.exec(rest)
    if (m === null) return
    fn(m)
    rest = rest.slice(0, m.index) + rest.slice(m.index + m[0].length)
  }

  take(/\[expunged\]/, () => { f.verdict = 'skip'; f.reasons.push('expunged') })
  take(/\[not run\]\s*(.*)$/, m => {
    f.verdict = 'skip'
    const why = (m[1] ?? '').trim()
    if (why === '') f.notRunPending = true
    else f.reasons.push(why)
  })
  take(/\[dumped core\]/, () => { f.verdict = 'fail'; f.reasons.push('dumped core') })
  take(/\[failed, exit status (-?\d+)\]/, m => { f.verdict = 'fail'; f.reasons.push(`failed, exit status ${m[1] ?? '?'}`) })
  take(/-?\s*output mismatch \(see ([^)]*)\)/, m => { f.verdict = 'fail'; f.reasons.push(`output mismatch (see ${m[1] ?? ''})`) })
  take(/(_check_\w+: .*)$/, m => { f.verdict = 'fail'; f.reasons.push((m[1] ?? '').trim()) })
  take(/-\s*no qualified output/, () => { f.verdict = 'fail'; f.reasons.push('no qualified output') })
  take(/-\s*no such test\?/, () => { f.verdict = 'error'; f.reasons.push('no such test') })
  take(/check: possible mount failures \(see ([^)]*)\)/, m => { f.reasons.push(`possible mount failures (see ${m[1] ?? ''})`) })
  if (f.verdict === undefined) {
    const p = PASS_TIME.exec(rest)
    if (p !== null) {
      f.verdict = 'pass'
      f.duration = Number(p[1]) * 1000
    }
  }
  return f
}
