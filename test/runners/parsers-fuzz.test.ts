import test from 'brittle'
import fc from 'fast-check'
import { isCairnError } from '../../protocol/errors.js'
import { parse, PARSER_KINDS } from '../../runners/parsers/index.js'
import type { ParserKind } from '../../runners/parsers/index.js'
import { parseJunit } from '../../runners/parsers/junit.js'
import { parseKselftest } from '../../runners/parsers/kselftest.js'
import { parseTap } from '../../runners/parsers/tap.js'
import { parseFstests } from '../../runners/parsers/fstests.js'

// Lines that look like each format, so random input reaches deep into the parsers.
const tapLine = fc.oneof(
  fc.constantFrom('TAP version 13', 'TAP version 14', 'KTAP version 1', '1..3', '1..0 # SKIP x', 'Bail out! x', 'pragma +strict', '---', '...', '', '# Subtest: s', '# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0'),
  fc.tuple(fc.constantFrom('ok', 'not ok'), fc.option(fc.nat(20)), fc.string(), fc.constantFrom('', ' # SKIP', ' # TODO', ' # XFAIL r', ' # TIMEOUT 4', ' # error', ' \\# x'))
    .map(([ok, n, d, dir]) => `${ok}${n === null ? '' : ` ${n}`} ${d}${dir}`),
  fc.string()
)
const indented = fc.tuple(fc.constantFrom('', '  ', '    ', '        ', '# ', '# # ', '[    1.0] '), tapLine).map(([i, l]) => i + l)
const tapDoc = fc.array(indented, { maxLength: 40 }).map(ls => ls.join('\n'))

const fsLine = fc.oneof(
  fc.constantFrom('FSTYP         -- xfs', 'SECTION       -- s1', '=========================', 'Ran: generic/001 generic/002', 'Not run: generic/003', 'Failures: generic/002', 'Failed 1 of 2 tests', 'Passed all 2 tests', 'Interrupted!', '    +diff line', '(see /r/generic/001.full for details)'),
  fc.tuple(fc.constantFrom('generic/001', 'generic/002', 'xfs/123', 'generic/003-named'), fc.constantFrom(' 3s ...  2s', '       [not run] why', ' - output mismatch (see x)', ' [failed, exit status 1]', ' _check_dmesg: bad', '       [expunged]', ' 1s ... ', '\t[10:00:00]', '')).map(([a, b]) => a + b),
  fc.string()
)
const fsDoc = fc.array(fsLine, { maxLength: 30 }).map(ls => ls.join('\n'))

const xmlDoc = fc.oneof(
  fc.string(),
  fc.array(fc.constantFrom('<testsuites>', '<testsuite name="a">', '<testcase name="t" classname="c" time="0.1">', '<failure message="m">', 'text', '&lt;', '&bogus;', '<![CDATA[x]]>', '</failure>', '<skipped/>', '<error/>', '</testcase>', '</testsuite>', '</testsuites>', '<testcase name="u"/>', '<?xml version="1.0"?>', '<!-- c -->'), { maxLength: 20 }).map(p => p.join(''))
)

function onlyCairnErrors (kind: string, fn: () => unknown): boolean {
  try {
    const r = fn() as { tests: Array<{ name: string }> }
    // Unique names are part of the contract, whatever the input.
    return new Set(r.tests.map(x => x.name)).size === r.tests.length
  } catch (err) {
    if (isCairnError(err) && err.code.startsWith('PARSE_')) return true
    throw new Error(`${kind} threw a non-CairnError: ${String(err)}`)
  }
}

test('parsers never throw anything but CairnError, and names stay unique, on random TAP-like input', t => {
  fc.assert(fc.property(tapDoc, doc => onlyCairnErrors('tap', () => parseTap(doc)) && onlyCairnErrors('kselftest', () => parseKselftest(doc))), { numRuns: 400 })
  t.pass()
})

test('parsers never throw anything but CairnError on random fstests-like input', t => {
  fc.assert(fc.property(fsDoc, doc => onlyCairnErrors('fstests', () => parseFstests(doc))), { numRuns: 400 })
  t.pass()
})

test('parsers never throw anything but CairnError on random XML-like input', t => {
  fc.assert(fc.property(xmlDoc, doc => onlyCairnErrors('junit', () => parseJunit(doc))), { numRuns: 400 })
  t.pass()
})

test('every parser survives arbitrary strings and bytes', t => {
  const input = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.uint8Array({ maxLength: 300 }))
  fc.assert(fc.property(input, fc.constantFrom<ParserKind>(...PARSER_KINDS), (data, kind) => onlyCairnErrors(kind, () => parse(kind, data))), { numRuns: 600 })
  t.pass()
})
