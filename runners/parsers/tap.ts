/**
 * TAP 13 and TAP 14 (testanything.org), as Test::More, node-tap, node:test
 * and tape write it:
 * - `TAP version N`, plans `1..N` at the start or the end, `1..0 # SKIP why`
 * - `ok` / `not ok`, numbered or not; missing planned tests become `error`
 *   tests named `missing test N`
 * - `# SKIP` -> skip, `# TODO` -> xfail (not ok) / xpass (ok); any other `#`
 *   is part of the description, as TAP::Parser reads it; `\#` escapes a hash
 * - YAML diagnostics (`  ---` ... `  ...`) become the detail; `duration_ms`
 *   in them the duration, as is a trailing `# time=12ms` (node-tap, brittle)
 * - comments after a failing test point (Test::More diagnostics) join its detail
 * - subtests (indented streams, `# Subtest: name`) flatten to `parent/child`;
 *   the parent's own result line is kept as a test too
 * - `Bail out!` stops reading; `pragma +strict` only changes warning wording
 * - anything else is a warning, never an error; only input with no TAP line
 *   at all throws CairnError PARSE_TAP
 */
import { splitTap } from './tap-directive.js'
import { runTapEngine } from './tap-engine.js'
import { toText } from './text.js'
import type { ParseResult, ParserInput } from './types.js'

export function parseTap (input: ParserInput): ParseResult {
  return runTapEngine(toText(input), {
    code: 'PARSE_TAP',
    split: splitTap,
    comments: 'after',
    warnUnknown: true,
    requirePlan: true,
    localBail: false,
    restartOnVersion: false,
    floatingRoot: true
  })
}
