/**
 * Test-output parsers: TAP 13/14, kselftest/KTAP, JUnit XML, xfstests, and
 * the numbers of fio (JSON), sysbench and the generic metrics format.
 * Every parser takes text (or UTF-8 bytes) and returns a ParseResult; bad
 * input ends in warnings or a CairnError, never in any other exception.
 */
import { CairnError, isCairnError } from '../../protocol/errors.js'
import { detectKind } from './detect.js'
import { parseFio } from './fio.js'
import { parseFstests } from './fstests.js'
import { parseJunit } from './junit.js'
import { parseKselftest } from './kselftest.js'
import { parseMetrics } from './metrics.js'
import { parseSysbench } from './sysbench.js'
import { parseTap } from './tap.js'
import { PARSER_KINDS } from './types.js'
import type { ParseResult, ParserInput, ParserKind } from './types.js'

export type { ParsedTest, ParseResult, ParserKind } from './types.js'
export { PARSER_KINDS } from './types.js'
export { detectKind } from './detect.js'
export { parseFstestsResultsDir } from './fstests-dir.js'

const PARSERS: Record<ParserKind, (input: ParserInput) => ParseResult> = {
  tap: parseTap,
  kselftest: parseKselftest,
  junit: parseJunit,
  fstests: parseFstests,
  fio: parseFio,
  sysbench: parseSysbench,
  metrics: parseMetrics
}

/** Parse output of a known kind. Throws only CairnError (PARSE_<KIND>, PARSE_KIND). */
export function parse (kind: ParserKind, input: ParserInput): ParseResult {
  const parser = PARSERS[kind] as ((input: ParserInput) => ParseResult) | undefined
  if (!(PARSER_KINDS as readonly string[]).includes(kind) || parser === undefined) {
    throw new CairnError('PARSE_KIND', `unknown parser kind ${JSON.stringify(kind)}: expected one of ${PARSER_KINDS.join(', ')}`)
  }
  try {
    return parser(input)
  } catch (err) {
    if (isCairnError(err)) throw err
    // A parser bug must still surface as a parse failure of this input, not crash the runner.
    throw new CairnError(`PARSE_${kind.toUpperCase()}` as `PARSE_${Uppercase<ParserKind>}`, `parser failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

/** Detect the kind, then parse. Throws CairnError PARSE_UNKNOWN when no parser fits. */
export function parseAuto (input: ParserInput): ParseResult & { kind: ParserKind } {
  const kind = detectKind(input)
  if (kind === undefined) throw new CairnError('PARSE_UNKNOWN', 'input is not TAP, kselftest, JUnit XML, fstests, fio JSON, sysbench or metrics output')
  return { ...parse(kind, input), kind }
}
