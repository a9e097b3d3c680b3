/**
 * Cross-check of the counts a stream prints about itself against what was
 * parsed: kselftest.h's `# Totals: pass:N fail:N xfail:N xpass:N skip:N error:N`
 * (this stream's own results) and KUnit's `# Totals: pass:N fail:N skip:N total:N`
 * (every leaf result below the suite, parameterised cases included).
 */
import type { TapNode, TapStream } from './tap-engine.js'
import type { TestStatus } from './types.js'
import type { Warnings } from './warnings.js'

const TOTALS = /^Totals:\s*(.*)$/
const KEYS = ['pass', 'fail', 'xfail', 'xpass', 'skip', 'error', 'total'] as const
type Key = typeof KEYS[number]
type Counts = Record<Key, number>

export function isTotalsLine (text: string): boolean {
  return TOTALS.test(text.trim())
}

function parseTotals (text: string): Partial<Counts> | undefined {
  const m = TOTALS.exec(text.trim())
  if (m === null) return undefined
  const out: Partial<Counts> = {}
  for (const pair of (m[1] ?? '').matchAll(/(\w+):(\d+)/g)) {
    const key = pair[1] as string
    if ((KEYS as readonly string[]).includes(key)) out[key as Key] = Number(pair[2])
  }
  return Object.keys(out).length === 0 ? undefined : out
}

function zero (): Counts {
  return { pass: 0, fail: 0, xfail: 0, xpass: 0, skip: 0, error: 0, total: 0 }
}

function bump (c: Counts, status: TestStatus): void {
  c[status]++
  c.total++
}

function direct (nodes: TapNode[], into = zero()): Counts {
  for (const n of nodes) {
    if (n.real) bump(into, n.status)
    else if (!n.emit) direct(n.children, into) // an orphaned subtest's results stand in its place
  }
  return into
}

function leaves (nodes: TapNode[], into = zero()): Counts {
  for (const n of nodes) {
    const hasReal = n.children.some(c => c.real || !c.emit)
    if (hasReal) leaves(n.children, into)
    else if (n.real) bump(into, n.status)
  }
  return into
}

function agrees (said: Partial<Counts>, got: Counts): boolean {
  return KEYS.every(k => said[k] === undefined || said[k] === got[k])
}

function show (c: Partial<Counts>, keys: readonly Key[]): string {
  return keys.filter(k => c[k] !== undefined).map(k => `${k}:${c[k] ?? 0}`).join(' ')
}

/** Check the last Totals line of a stream when it closes; warn when neither reading agrees. */
export function checkTotals (stream: TapStream, warnings: Warnings): void {
  const last = stream.marks[stream.marks.length - 1]
  if (last === undefined) return
  const said = parseTotals(last.text)
  if (said === undefined) return
  const own = direct(stream.nodes)
  if (agrees(said, own)) return
  const all = leaves(stream.nodes)
  if (agrees(said, all)) return
  const keys = KEYS.filter(k => said[k] !== undefined)
  warnings.at(last.line, `Totals line says ${show(said, keys)} but the results parsed give ${show(own, keys)}`)
}
