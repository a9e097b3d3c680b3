/**
 * kselftest output, as `make run_tests` / run_kselftest.sh print it, and
 * KUnit's KTAP:
 * - the runner's TAP 13 with one `TAP version 13` + plan per collection;
 *   `ok N selftests: DIR: NAME` is named `DIR/NAME`
 * - directives, any case: SKIP -> skip, XFAIL -> xfail, XPASS -> xpass,
 *   TODO as in TAP, TIMEOUT and ERROR (`# error`, kselftest.h) -> error;
 *   other text after `#` (`# exit=1`) is diagnostic data kept in the detail
 * - each test's own output (the runner prefixes it with `# `) becomes the
 *   detail of a failing result; when that output is itself TAP (kselftest.h,
 *   kselftest_harness.h, ksft.py) its results are read as subtests,
 *   `DIR/NAME/child`, and a `Bail out!` in it ends only that subtest
 * - KTAP nesting by indentation (`KTAP version 1`, `# Subtest: name`) as
 *   KUnit prints it, with or without dmesg timestamps
 * - `# Totals: ...` lines are checked against the parsed results; a mismatch
 *   is a warning
 * Unknown lines are allowed (KTAP) and do not warn. Input with no TAP line at
 * all throws CairnError PARSE_KSELFTEST.
 */
import { checkTotals, isTotalsLine } from './ktap-totals.js'
import { splitKtap } from './tap-directive.js'
import type { DirectiveSplitter } from './tap-directive.js'
import { runTapEngine } from './tap-engine.js'
import { splitLines, toText } from './text.js'
import type { ParseResult, ParserInput } from './types.js'

const RUNNER_HEADER = /^# selftests: /
const ROOT_RESULT = /^(not ok|ok)(?=\s|$)/
const NESTED_START = /^\s*(?:K?TAP version \d+|\d+\.\.\d+)\s*(?:#.*)?$/
const NESTED_INDENT = '  '
const DMESG_STAMP = /^\[\s*\d+\.\d+\]\s?/
const SELFTEST_NAME = /^selftests:\s*(.+?):\s*(.+)$/

/**
 * Turn the runner's `# `-prefixed output of a test that speaks TAP into an
 * indented subtest, line for line (line numbers in warnings stay true).
 */
function unprefix (lines: string[]): string[] {
  const stamped = lines.some(l => DMESG_STAMP.test(l) && /K?TAP version/.test(l))
  const out: string[] = new Array(lines.length)
  let inBlock = false
  let nested = false
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i] as string
    if (stamped) l = l.replace(DMESG_STAMP, '')
    if (ROOT_RESULT.test(l)) {
      inBlock = false
      nested = false
      out[i] = l
    } else if (RUNNER_HEADER.test(l)) {
      // The header repeats the result line's name: not worth keeping as output.
      inBlock = true
      nested = false
      out[i] = ''
    } else if (inBlock && (l === '#' || l.startsWith('# '))) {
      const inner = l.slice(2)
      if (!nested && NESTED_START.test(inner)) nested = true
      out[i] = nested ? NESTED_INDENT + inner : l
    } else {
      out[i] = l
    }
  }
  return out
}

const splitSelftest: DirectiveSplitter = text => {
  const t = splitKtap(text)
  const m = SELFTEST_NAME.exec(t.description)
  if (m !== null) t.description = `${(m[1] as string).trim()}/${(m[2] as string).trim()}`
  return t
}

export function parseKselftest (input: ParserInput): ParseResult {
  const lines = unprefix(splitLines(toText(input)))
  return runTapEngine(lines.join('\n'), {
    code: 'PARSE_KSELFTEST',
    split: splitSelftest,
    comments: 'before',
    warnUnknown: false,
    requirePlan: false,
    localBail: true,
    restartOnVersion: true,
    floatingRoot: false,
    mark: isTotalsLine,
    onClose: checkTotals
  })
}
