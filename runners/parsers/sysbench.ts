/**
 * sysbench's text report (1.0): the rates it prints per second (transactions
 * and queries of the OLTP tests, events of cpu, operations and MiB of memory,
 * fileio's read and written MiB/s), higher is better, and the latency
 * section (min, avg, max, the Nth percentile, in ms), lower is better. A
 * report is a test named `sysbench` (several reports: `sysbench (2)`...),
 * passing when it reached "General statistics"; their numbers are samples.
 */
import { CairnError } from '../../protocol/errors.js'
import { uniqueNames } from '../../protocol/results.js'
import { MetricSet } from './metric-set.js'
import { excerpt, splitLines, toText } from './text.js'
import type { ParsedTest, ParseResult, ParserInput } from './types.js'

const NUMBER = String.raw`(\S+)`
/** Lines of the report that carry a rate: pattern, metric name, unit. */
const RATES: Array<[RegExp, string, string]> = [
  [new RegExp(String.raw`^\s*transactions:\s+\d+\s+\(${NUMBER} per sec\.\)`), 'transactions', 'tx/s'],
  [new RegExp(String.raw`^\s*queries:\s+\d+\s+\(${NUMBER} per sec\.\)`), 'queries', 'queries/s'],
  [new RegExp(String.raw`^\s*events per second:\s+${NUMBER}\s*$`), 'events', 'events/s'],
  [new RegExp(String.raw`^\s*Total operations:\s+\d+\s+\(${NUMBER} per second\)`), 'operations', 'ops/s'],
  [new RegExp(String.raw`^\s*[\d.]+ MiB transferred \(${NUMBER} MiB/sec\)`), 'transfer', 'MiB/s'],
  [new RegExp(String.raw`^\s*read, MiB/s:\s+${NUMBER}\s*$`), 'read', 'MiB/s'],
  [new RegExp(String.raw`^\s*written, MiB/s:\s+${NUMBER}\s*$`), 'written', 'MiB/s']
]
const LATENCY_HEADER = /^\s*Latency \((ms|us|ns|s)\):\s*$/
const LATENCY_LINE = /^\s*(min|avg|max|sum|(\d+)th percentile):\s+(\S+)\s*$/

function value (text: string, line: number, what: string): number {
  const v = Number(text)
  if (text === '' || !Number.isFinite(v)) throw new CairnError('PARSE_SYSBENCH', `line ${line}: ${what}: ${excerpt(text)} is not a number`)
  return v
}

export function parseSysbench (input: ParserInput): ParseResult {
  const lines = splitLines(toText(input))
  const set = new MetricSet('PARSE_SYSBENCH')
  const tests: ParsedTest[] = []
  let latencyUnit: string | null = null
  let inReport = false
  lines.forEach((text, i) => {
    const line = i + 1
    if (/^sysbench \d/.test(text)) inReport = true
    if (/^General statistics:\s*$/.test(text)) {
      tests.push({ name: 'sysbench', status: 'pass' })
      inReport = false
    }
    const header = LATENCY_HEADER.exec(text)
    if (header !== null) { latencyUnit = header[1] as string; return }
    if (latencyUnit !== null) {
      const m = LATENCY_LINE.exec(text)
      if (m === null) { latencyUnit = null; return }
      const [, key, pct, raw] = m as unknown as [string, string, string | undefined, string]
      if (key === 'sum') return // the sum of every event's latency: a total, not a latency
      const name = pct !== undefined ? `latency_p${pct}` : `latency_${key}`
      set.add(line, name, value(raw, line, name), latencyUnit, 'lower')
      return
    }
    for (const [re, name, unit] of RATES) {
      const m = re.exec(text)
      if (m !== null) set.add(line, name, value(m[1] as string, line, name), unit, 'higher')
    }
  })
  if (inReport) tests.push({ name: 'sysbench', status: 'error', detail: 'the report ends before "General statistics": the run did not finish' })
  if (tests.length === 0) throw new CairnError('PARSE_SYSBENCH', 'no sysbench report: no "sysbench 1.x" banner and no "General statistics:" section')
  return { tests: uniqueNames(tests), metrics: set.toArray(), warnings: [] }
}
