/**
 * The generic numbers format, for any suite that prints its own:
 *
 *   {"metric": "boot_time", "value": 4.2, "unit": "s", "direction": "lower"}
 *   {"metric": "rps", "value": 950, "unit": "req/s", "direction": "higher", "samples": [940, 950, 961]}
 *   {"metric": "build_time", "value": 61, "unit": "s", "direction": "lower", "min_change": 10}
 *   ok 1 - read_bw 1234.5 MB/s
 *   not ok 2 - write_lat: 812 us [lower]
 *
 * A JSON line (one starting with `{`) is a metric: `metric`, `value` and
 * `direction` required, `unit`, `samples` and `min_change` (the smallest
 * change, in percent, that compare counts: protocol/metrics.ts) optional. A TAP or kselftest
 * test line whose description ends in a number (and a unit) is a test and a
 * metric: direction from a trailing `[higher]` or `[lower]`, else lower for
 * time units and higher for anything else. Other TAP lines are tests; any
 * other line (logs, plans, comments) is passed over. A name printed again
 * adds samples. A JSON line that is not such a metric is an error naming it.
 */
import { CairnError } from '../../protocol/errors.js'
import { uniqueNames } from '../../protocol/results.js'
import { directionOfUnit, MetricSet } from './metric-set.js'
import { excerpt, splitLines, toText } from './text.js'
import type { ParsedTest, ParseResult, ParserInput } from './types.js'

const TEST_LINE = /^\s*(not )?ok\b(?:\s+\d+)?(?:\s+-)?\s*([^#]*?)\s*(?:#\s*(.*))?$/
const VALUE_AT_END = /^(.*?)[:=]?\s+(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?:\s*([^\s\d[\]][^\s[\]]*))?(?:\s+\[(higher|lower)\])?$/

type Json = Record<string, unknown>

function fail (line: number, text: string, why: string): never {
  throw new CairnError('PARSE_METRICS', `line ${line}: ${why}: ${excerpt(text)}`)
}

function jsonLine (set: MetricSet, line: number, text: string): void {
  let m: unknown
  try {
    m = JSON.parse(text)
  } catch {
    fail(line, text, 'not a JSON object')
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) fail(line, text, 'not a JSON object')
  const { metric, value, unit, direction, samples, min_change: minChange } = m as Json
  if (typeof metric !== 'string' || metric === '') fail(line, text, '"metric" must be a non-empty string')
  if (typeof value !== 'number') fail(line, text, '"value" must be a number')
  if (unit !== undefined && typeof unit !== 'string') fail(line, text, '"unit" must be a string')
  if (direction !== 'higher' && direction !== 'lower') fail(line, text, '"direction" must be "higher" or "lower"')
  if (samples !== undefined && (!Array.isArray(samples) || !samples.every((s) => typeof s === 'number'))) fail(line, text, '"samples" must be a list of numbers')
  if (minChange !== undefined && !(typeof minChange === 'number' && minChange >= 0 && minChange <= 1_000_000)) fail(line, text, '"min_change" must be a percentage from 0 to 1000000')
  set.add(line, metric, value, unit ?? '', direction, samples as number[] | undefined, minChange)
}

function testLine (set: MetricSet, line: number, m: RegExpExecArray): ParsedTest {
  const [, not, description, directive] = m as unknown as [string, string | undefined, string, string | undefined]
  const skip = directive !== undefined && /^skip\b/i.test(directive)
  const todo = directive !== undefined && /^todo\b/i.test(directive)
  const failed = not !== undefined
  const status = skip ? 'skip' : todo ? (failed ? 'xfail' : 'xpass') : failed ? 'fail' : 'pass'
  const v = VALUE_AT_END.exec(description)
  if (v === null || skip) return { name: description === '' ? `test ${line}` : description, status }
  const [, name, number, unit = '', said] = v as unknown as [string, string, string, string | undefined, string | undefined]
  set.add(line, name, Number(number), unit, said === 'higher' || said === 'lower' ? said : directionOfUnit(unit))
  return { name, status }
}

export function parseMetrics (input: ParserInput): ParseResult {
  const set = new MetricSet('PARSE_METRICS')
  const tests: ParsedTest[] = []
  splitLines(toText(input)).forEach((text, i) => {
    const trimmed = text.trim()
    if (trimmed.startsWith('{')) { jsonLine(set, i + 1, trimmed); return }
    const t = TEST_LINE.exec(text)
    if (t !== null) tests.push(testLine(set, i + 1, t))
  })
  if (tests.length === 0 && set.size === 0) throw new CairnError('PARSE_METRICS', 'no metric: no JSON metric line and no TAP test line')
  return { tests: uniqueNames(tests), metrics: set.toArray(), warnings: [] }
}
