/**
 * One run's results in numbers and in the plain-text shape of fstests'
 * check summary, for result events, the CLI and outbound mail.
 *
 * Verdict:
 *   fail  any test is fail, error or xpass (an xpass means an expected
 *         failure stopped failing: the expectation is stale, and kselftest
 *         exits non-zero on it)
 *   skip  nothing failed and nothing ran: no tests, or only skips
 *   pass  otherwise (pass and xfail count as having run and met expectations)
 */
import { isFailing } from './results.js'
import type { ResultTest, TestStatus } from './results.js'

type Verdict = 'pass' | 'fail' | 'skip'

interface RunSummary {
  counts: Record<TestStatus, number>
  total: number
  /** Tests that ran (total minus skips). */
  ran: number
  /** Sum of the durations given, in ms; tests without one are left out. */
  duration: number
  /** How many tests had a duration. */
  timed: number
  verdict: Verdict
}

export function summarise (tests: ResultTest[]): RunSummary {
  const counts: Record<TestStatus, number> = { pass: 0, fail: 0, error: 0, skip: 0, xfail: 0, xpass: 0 }
  let duration = 0
  let timed = 0
  let failing = 0
  for (const t of tests) {
    counts[t.status]++
    if (isFailing(t.status)) failing++
    if (t.duration !== undefined && Number.isFinite(t.duration)) {
      duration += t.duration
      timed++
    }
  }
  const total = tests.length
  const ran = total - counts.skip
  const verdict: Verdict = failing > 0 ? 'fail' : ran === 0 ? 'skip' : 'pass'
  return { counts, total, ran, duration, timed, verdict }
}

interface ReportMeta {
  /** Printed as `SECTION       -- <section>` above the rule, as check's summary does. */
  section?: string
  /** More header lines, in order, as `KEY           -- value` (FSTYP, PLATFORM, RUNNER, ...). */
  fields?: Record<string, string>
  /** At most this many names in Ran: and Not run: (Failures: is always complete). */
  listLimit?: number
  /** Wrap lists at this column (check.log wraps with fmt); 0 for one line each. Default 75. */
  width?: number
}

const KEY_WIDTH = 13 // `MOUNT_OPTIONS` is the longest key check prints

function quoteName (name: string): string {
  return /\s/.test(name) || name === '' ? `'${name.replace(/'/g, "'\\''")}'` : name
}

/** `Label: a b c`, wrapped like fmt(1) with continuation lines indented by four. */
function listLine (label: string, names: string[], width: number, limit: number): string[] {
  const shown = names.slice(0, limit).map(quoteName)
  if (names.length > shown.length) shown.push(`... and ${names.length - shown.length} more`)
  if (width <= 0) return [`${label}: ${shown.join(' ')}`]
  const lines: string[] = []
  let cur = `${label}:`
  for (const w of shown) {
    if (cur.length + 1 + w.length > width && cur.trim() !== `${label}:` && cur.trim() !== '') {
      lines.push(cur)
      cur = `    ${w}`
    } else {
      cur += ` ${w}`
    }
  }
  lines.push(cur)
  return lines
}

/** Milliseconds as seconds with one decimal: `312.4s`. */
export function formatDuration (ms: number): string {
  return `${(Math.round(ms / 100) / 10).toFixed(1)}s`
}

/**
 * Plain-text summary of one run:
 *
 *   SECTION       -- net
 *   RUNNER        -- lab-3
 *   =========================
 *   Ran: net/a.sh net/b.sh
 *   Not run: net/c.sh
 *   Failures: net/b.sh
 *   Failed 1 of 2 tests
 *   Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0
 *   Total time: 12.3s
 *   Verdict: fail
 *
 * Ran: lists tests that ran (all but skips), Not run: the skips, Failures:
 * the failing ones (fail, error, xpass), in the order given. Lines that
 * would be empty are left out, as check leaves them out. Names with
 * whitespace are shell-quoted.
 */
export function renderReport (tests: ResultTest[], meta: ReportMeta = {}): string {
  const s = summarise(tests)
  const width = meta.width ?? 75
  const limit = meta.listLimit ?? Number.POSITIVE_INFINITY
  const out: string[] = []
  if (meta.section !== undefined) out.push(`${'SECTION'.padEnd(KEY_WIDTH)} -- ${meta.section}`)
  for (const [k, v] of Object.entries(meta.fields ?? {})) out.push(`${k.padEnd(KEY_WIDTH)} -- ${v}`)
  out.push('=========================')
  const ran = tests.filter(t => t.status !== 'skip').map(t => t.name)
  const notRun = tests.filter(t => t.status === 'skip').map(t => t.name)
  const failures = tests.filter(t => isFailing(t.status)).map(t => t.name)
  const add = (lines: string[]): void => { for (const l of lines) out.push(l) } // no spread: lists can be huge
  if (ran.length > 0) add(listLine('Ran', ran, width, limit))
  if (notRun.length > 0) add(listLine('Not run', notRun, width, limit))
  if (failures.length > 0) {
    add(listLine('Failures', failures, width, Number.POSITIVE_INFINITY))
    out.push(`Failed ${failures.length} of ${s.ran} tests`)
  } else {
    out.push(`Passed all ${s.ran} tests`)
  }
  const c = s.counts
  out.push(`Totals: pass:${c.pass} fail:${c.fail} xfail:${c.xfail} xpass:${c.xpass} skip:${c.skip} error:${c.error}`)
  out.push(`Total time: ${s.timed === 0 ? 'unknown' : formatDuration(s.duration)}${s.timed > 0 && s.timed < s.total ? ` (${s.timed} of ${s.total} tests timed)` : ''}`)
  out.push(`Verdict: ${s.verdict}`)
  return out.join('\n') + '\n'
}
