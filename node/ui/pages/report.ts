import type { TestJson } from '../api.js'

const FAILING = new Set(['fail', 'error', 'xpass'])

/**
 * The per-run summary in the shape of fstests' check output, as
 * runners/summary.ts renders it for mail: Ran, Not run, Failures, totals,
 * verdict (fail if anything failed, skip if nothing ran, else pass).
 */
export function report (tests: TestJson[], listLimit = 40): string {
  const counts: Record<string, number> = { pass: 0, fail: 0, xfail: 0, xpass: 0, skip: 0, error: 0 }
  let duration = 0
  let timed = 0
  for (const t of tests) {
    counts[t.status] = (counts[t.status] ?? 0) + 1
    if (t.duration !== undefined) { duration += t.duration; timed++ }
  }
  const ran = tests.filter((t) => t.status !== 'skip').map((t) => t.name)
  const notRun = tests.filter((t) => t.status === 'skip').map((t) => t.name)
  const failures = tests.filter((t) => FAILING.has(t.status)).map((t) => t.name)
  const list = (label: string, names: string[], limit: number): string =>
    `${label}: ${names.slice(0, limit).join(' ')}${names.length > limit ? ` ... and ${names.length - limit} more` : ''}`
  const out: string[] = []
  if (ran.length > 0) out.push(list('Ran', ran, listLimit))
  if (notRun.length > 0) out.push(list('Not run', notRun, listLimit))
  if (failures.length > 0) {
    out.push(list('Failures', failures, Number.POSITIVE_INFINITY))
    out.push(`Failed ${failures.length} of ${ran.length} tests`)
  } else {
    out.push(`Passed all ${ran.length} tests`)
  }
  out.push(`Totals: pass:${counts.pass} fail:${counts.fail} xfail:${counts.xfail} xpass:${counts.xpass} skip:${counts.skip} error:${counts.error}`)
  out.push(`Total time: ${timed === 0 ? 'unknown' : `${(Math.round(duration / 100) / 10).toFixed(1)}s`}`)
  out.push(`Verdict: ${failures.length > 0 ? 'fail' : ran.length === 0 ? 'skip' : 'pass'}`)
  return out.join('\n')
}

export function isFailing (status: string): boolean {
  return FAILING.has(status)
}
