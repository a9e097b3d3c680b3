/**
 * What every test-output parser returns. These shapes go into `result` events
 * (DESIGN.md section 2), so they stay small, plain and deterministic.
 */

/**
 * - pass: ran and met its expectation
 * - fail: ran and did not (TAP `not ok`, JUnit <failure>, fstests failure)
 * - error: could not reach a verdict (JUnit <error>, kselftest `# error` /
 *   `# TIMEOUT`, a test the plan promised that never reported)
 * - skip: not run (TAP `# SKIP`, JUnit <skipped>, fstests `[not run]`)
 * - xfail: failed, as expected (TAP `not ok # TODO`, kselftest `# XFAIL`)
 * - xpass: passed although expected to fail (TAP `ok # TODO`, kselftest `# XPASS`)
 */
import type { Metric } from '../../protocol/metrics.js'
import type { TestStatus } from '../../protocol/results.js'
export type { TestStatus }

export const TEST_STATUSES: readonly TestStatus[] = ['pass', 'fail', 'error', 'skip', 'xfail', 'xpass']

export interface ParsedTest {
  /** Unique within one parse result (duplicates get ` (2)`, ` (3)`... in input order). */
  name: string
  status: TestStatus
  /** Milliseconds, integer. */
  duration?: number
  /** Failure message or diagnostics, clipped to MAX_DETAIL characters. Passing tests carry none. */
  detail?: string
}

export interface TestPlan {
  start: number
  end: number
  /** `1..0 # SKIP reason`: the whole stream was skipped. */
  skipReason?: string
}

export interface ParseResult {
  tests: ParsedTest[]
  /** The top-level plan, when the input had one. */
  plan?: TestPlan
  /** The reason given by a top-level `Bail out!` ('' when none was given). */
  bailedOut?: string
  /** Things that were odd but not fatal, each naming its input line where there is one. */
  warnings: string[]
  /** Numbers the output measured (fio, sysbench, the generic metrics format), one per name. */
  metrics?: Metric[]
}

export type ParserKind = 'tap' | 'kselftest' | 'junit' | 'fstests' | 'fio' | 'sysbench' | 'metrics'

export const PARSER_KINDS: readonly ParserKind[] = ['tap', 'kselftest', 'junit', 'fstests', 'fio', 'sysbench', 'metrics']

/** Raw parser input: text, or bytes decoded as UTF-8 (invalid sequences become U+FFFD). */
export type ParserInput = string | Uint8Array
