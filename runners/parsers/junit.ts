/**
 * JUnit XML (Ant/Surefire, pytest, Jest, go-junit-report, googletest, fstests):
 * - <testsuites> or <testsuite> at the root, suites nested to any depth
 * - name: `suite/classname.name`, nested suites joined with `/`; an empty
 *   part is left out, and a classname equal to its innermost suite's name
 *   (Surefire writes both) drops that suite: `com.x.FooTest.testBar`
 * - <failure> -> fail, <error> -> error, <skipped> -> skip (pytest's
 *   `type="pytest.xfail"` -> xfail); with several, the worst wins
 * - `time` in seconds (float) -> integer ms
 * - detail: message and type, the element's text, then system-out and
 *   system-err and any other element with text (fstests <kernel-log>)
 * - a <failure>/<error> directly in a <testsuite> becomes a test named
 *   `suite/(suite)` so a suite that broke as a whole is not lost
 * Malformed XML throws CairnError PARSE_JUNIT with line and column.
 */
import { clipHead, clipTail, joinDetail } from './detail.js'
import { readJunitCases } from './junit-read.js'
import type { JunitCase } from './junit-read.js'
import { uniqueNames } from '../../protocol/results.js'
import { toText } from './text.js'
import type { ParsedTest, ParseResult, ParserInput } from './types.js'
import { Warnings } from './warnings.js'

const BODY_BUDGET = 2048
const STREAM_BUDGET = 1024

function junitName (c: JunitCase): string {
  const suites = c.suites.filter(s => s !== '')
  if (c.classname !== '' && suites[suites.length - 1] === c.classname) suites.pop()
  const leaf = c.classname !== '' ? `${c.classname}.${c.name}` : c.name
  return [...suites, leaf].join('/')
}

/** What went wrong, then what the test printed (the end of it, where the failure is). */
function junitDetail (c: JunitCase): string | undefined {
  let head = c.message
  if (c.type !== undefined && (head === undefined || !head.includes(c.type))) head = head === undefined ? c.type : `${head} (${c.type})`
  const parts = [
    head,
    c.body !== undefined && c.body.trim() !== c.message?.trim() ? clipHead(c.body, BODY_BUDGET) : undefined,
    c.out !== undefined && c.out.trim() !== '' ? `system-out:\n${clipTail(c.out, STREAM_BUDGET)}` : undefined,
    c.err !== undefined && c.err.trim() !== '' ? `system-err:\n${clipTail(c.err, STREAM_BUDGET)}` : undefined,
    ...c.other.map(([tag, text]) => `${tag}:\n${clipTail(text, STREAM_BUDGET)}`)
  ]
  const joined = joinDetail(parts)
  return joined === undefined ? undefined : clipHead(joined)
}

export function parseJunit (input: ParserInput): ParseResult {
  const warnings = new Warnings()
  const cases = readJunitCases(toText(input), warnings)
  const tests: ParsedTest[] = cases.map(c => {
    const t: ParsedTest = { name: junitName(c), status: c.status }
    if (c.duration !== undefined) t.duration = c.duration
    if (c.status !== 'pass') {
      const d = junitDetail(c)
      if (d !== undefined) t.detail = d
    }
    return t
  })
  return { tests: uniqueNames(tests, warnings), warnings: warnings.toArray() }
}
