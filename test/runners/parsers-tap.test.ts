import test from 'brittle'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isCairnError } from '../../protocol/errors.js'
import { parseTap } from '../../runners/parsers/tap.js'
import { MAX_DETAIL } from '../../runners/parsers/detail.js'
import { repoRoot } from '../helpers/paths.js'

const fixture = (name: string): string => readFileSync(join(repoRoot, 'test/fixtures/parsers/tap', name), 'utf8')

function code (fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return isCairnError(err) ? err.code : `not a CairnError: ${String(err)}`
  }
  return undefined
}

test('parseTap() reads Test::More output: plan, SKIP, TODO as xfail/xpass, escaped hash, diagnostics', t => {
  const r = parseTap(fixture('test-more.tap'))
  t.alike(r.plan, { start: 1, end: 7 })
  t.is(r.bailedOut, undefined)
  t.alike(r.warnings, [])
  t.alike(r.tests, [
    { name: 'use Git::Mailinfo;', status: 'pass' },
    { name: 'parses From: header', status: 'pass' },
    {
      name: 'decodes RFC 2047 subject',
      status: 'fail',
      detail: "Failed test 'decodes RFC 2047 subject'\nat t/mailinfo.t line 41.\n       got: '=?UTF-8?q?caf=C3=A9?='\n  expected: 'café'"
    },
    { name: 'keeps in-body From:', status: 'skip', detail: 'needs Encode::MIME::Header 2.28' },
    {
      name: 'handles scissors line',
      status: 'xfail',
      detail: "scissors not implemented yet\n\nFailed (TODO) test 'handles scissors line'\nat t/mailinfo.t line 58."
    },
    { name: 'strips [PATCH v2 3/7] prefix', status: 'xpass', detail: 'prefix parser incomplete' },
    { name: 'counts issue #42 as fixed', status: 'pass' }
  ])
})

test('parseTap() flattens node:test subtests to parent/child and takes duration_ms from YAML', t => {
  const r = parseTap(fixture('node-test.tap'))
  t.alike(r.plan, { start: 1, end: 3 })
  t.alike(r.warnings, [])
  t.alike(r.tests.map(x => [x.name, x.status, x.duration]), [
    ['series grouping', 'fail', 6],
    ['series grouping/groups v2 with v1 by change-id', 'pass', 1],
    ['series grouping/threads replies under the cover letter', 'fail', 4],
    ['trailers', 'pass', 0],
    ['slow network test', 'skip', 0]
  ])
  const failed = r.tests[2]
  t.ok(failed?.detail?.startsWith("location: '/work/cairn/test/bridges/series.test.ts:41:3'\n"), 'YAML becomes the detail, dedented')
  t.ok(failed?.detail?.includes('error: |-\n  Expected values to be strictly equal:'), 'nested YAML keeps its indentation')
  t.absent(failed?.detail?.includes('duration_ms'), 'duration_ms is not repeated in the detail')
  t.is(r.tests[4]?.detail, 'needs a DHT testnet')
  t.absent(r.tests[1]?.detail, 'passing tests carry no detail')
})

test('parseTap() makes duplicate names unique in input order and ignores comments after the closing plan', t => {
  const r = parseTap(fixture('tape.tap'))
  t.alike(r.tests.map(x => `${x.name}:${x.status}`), [
    'should be strictly equal:pass',
    'should be strictly equal (2):pass',
    'should be strictly equal (3):pass',
    'should be strictly equal (4):fail',
    'should be strictly equal (5):pass'
  ])
  t.is(r.tests[3]?.detail, "operator: equal\nexpected: '{\"a\":1,\"b\":2}'\nactual:   '{\"b\":2,\"a\":1}'\nat: Test.<anonymous> (/work/cairn/test/protocol/canonical.js:22:5)\nstack: |-\n  Error: should be strictly equal\n      at Test.assert [as _assert] (/work/cairn/node_modules/tape/lib/test.js:479:48)")
  t.is(r.warnings.length, 4)
  t.is(r.warnings[0], 'duplicate test name "should be strictly equal" renamed to "should be strictly equal (2)"')
})

test('parseTap() reads a closing plan, numbers missing and out of order, and reports planned tests never seen', t => {
  const r = parseTap(fixture('plan-at-end.tap'))
  t.alike(r.plan, { start: 1, end: 6 })
  t.alike(r.tests, [
    { name: 'first', status: 'pass' },
    { name: 'second', status: 'pass' },
    { name: 'fourth, number skipped ahead', status: 'fail' },
    { name: 'fifth', status: 'pass' },
    { name: 'second again out of order', status: 'pass' },
    { name: 'missing test 3', status: 'error', detail: 'planned by 1..6 (line 6) but never reported' },
    { name: 'missing test 6', status: 'error', detail: 'planned by 1..6 (line 6) but never reported' }
  ])
  t.alike(r.warnings, [
    'line 3: test number 4 out of sequence (expected 3)',
    'line 5: test number 2 out of sequence (expected 6)',
    'line 5: test number 2 reported twice'
  ])
})

test('parseTap() stops at Bail out! and reports the rest of the plan as errors', t => {
  const r = parseTap(fixture('bail-out.tap'))
  t.is(r.bailedOut, 'lost connection to the database')
  t.alike(r.tests.map(x => [x.name, x.status]), [
    ['database reachable', 'pass'],
    ['schema applied', 'pass'],
    ['missing test 3', 'error'],
    ['missing test 4', 'error'],
    ['missing test 5', 'error']
  ])
  t.is(r.tests[2]?.detail, 'not run: bailed out: lost connection to the database')
  t.absent(r.tests.some(x => x.name === 'never seen'), 'lines after the bail-out are not read')
})

test('parseTap() reads Bail out! without a reason as an empty reason', t => {
  const r = parseTap('TAP version 13\n1..2\nok 1\nBail out!\n')
  t.is(r.bailedOut, '')
  t.alike(r.tests, [{ name: 'test 1', status: 'pass' }, { name: 'missing test 2', status: 'error', detail: 'not run: bailed out' }])
})

test('parseTap() reads 1..0 # SKIP as a skipped stream with no tests', t => {
  const r = parseTap(fixture('skip-all.tap'))
  t.alike(r, { tests: [], warnings: [], plan: { start: 1, end: 0, skipReason: 'no KVM on this runner' } })
})

test('parseTap() keeps a YAML block that is never closed and warns', t => {
  const r = parseTap(fixture('truncated-yaml.tap'))
  t.alike(r.tests, [
    { name: 'boots', status: 'pass' },
    { name: 'mounts scratch', status: 'fail', detail: 'message: "mount failed: EINVAL"\nseverity: fail\ndata:\n  dev: /dev/vdc' },
    { name: 'unmounts', status: 'pass' }
  ])
  t.alike(r.warnings, ["line 5: YAML block not closed with '...'"])

  const eof = parseTap(fixture('truncated-eof.tap'))
  t.alike(eof.tests.map(x => [x.name, x.status]), [['a', 'pass'], ['b', 'fail'], ['missing test 3', 'error'], ['missing test 4', 'error']])
  t.is(eof.tests[1]?.detail, 'message: runner was killed\nat: lib/run.js:12')
  t.alike(eof.warnings, ["line 5: YAML block not closed with '...' before end of input"])
})

test('parseTap() warns on unknown lines and a misplaced version line, never fails on them', t => {
  const r = parseTap(fixture('strict-unknown.tap'))
  t.alike(r.tests, [{ name: 'parses', status: 'pass' }, { name: 'renders', status: 'pass' }])
  t.alike(r.warnings, [
    'line 5: non-TAP line under pragma +strict: "this line is not TAP"',
    'line 7: version line not at the start of the stream'
  ])
})

test('parseTap() nests an indented stream under the test point that follows it', t => {
  const r = parseTap(fixture('ktap-style-in-tap.tap'))
  t.alike(r.tests, [
    { name: 'outer', status: 'fail' },
    { name: 'outer/inner one', status: 'pass' },
    { name: 'outer/inner two', status: 'fail' },
    { name: 'after', status: 'pass' }
  ])
})

test('parseTap() names a subtest with no result line by its Subtest comment and warns', t => {
  const r = parseTap('TAP version 14\n1..1\n    # Subtest: orphan\n    1..1\n    not ok 1 - inner\n')
  t.alike(r.tests, [
    { name: 'orphan/inner', status: 'fail' },
    { name: 'missing test 1', status: 'error', detail: 'planned by 1..1 (line 2) but never reported' }
  ])
  t.alike(r.warnings, ['line 5: subtest "orphan" (from line 3) has no result line in its parent'])
})

test('parseTap() uses the Subtest name when the parent test point has no description', t => {
  const r = parseTap('TAP version 14\n1..1\n# Subtest: group\n    1..1\n    ok 1 - leaf\nok 1\n')
  t.alike(r.tests, [{ name: 'group', status: 'pass' }, { name: 'group/leaf', status: 'pass' }])
})

test('parseTap() reads a stream that is indented as a whole as the top level', t => {
  const r = parseTap('    TAP version 13\n    1..2\n    ok 1 - a\n    not ok 2 - b\n')
  t.alike(r.tests, [{ name: 'a', status: 'pass' }, { name: 'b', status: 'fail' }])
  t.alike(r.plan, { start: 1, end: 2 })
  t.alike(r.warnings, [])
})

test('parseTap() warns about tests outside the plan, a second plan and a missing plan', t => {
  const r = parseTap('1..2\nok 1\nok 2\nok 3\n1..3\n')
  t.alike(r.warnings, ['line 4: test 3 outside the plan 1..2', 'line 5: second plan 1..3 ignored (first at line 1)'])
  t.is(r.tests.length, 3)
  t.alike(parseTap('ok 1 - lonely\n').warnings, ['line 1: no plan'])
})

test('parseTap() accepts directive spellings: skipped, lowercase, colon; TODO needs a word boundary', t => {
  const r = parseTap('1..4\nok 1 - a # skipped: no disk\nnot ok 2 - b # todo\nok 3 - c # TODOLIST is long\nok 4 - d # SKIP\n')
  t.alike(r.tests, [
    { name: 'a', status: 'skip', detail: 'no disk' },
    { name: 'b', status: 'xfail' },
    { name: 'c # TODOLIST is long', status: 'pass' },
    { name: 'd', status: 'skip' }
  ])
})

test('parseTap() reads CRLF line ends, a BOM and bytes', t => {
  const text = '\uFEFFTAP version 13\r\n1..1\r\nnot ok 1 - crlf # TODO later\r\n'
  const fromBytes = parseTap(new TextEncoder().encode(text))
  t.alike(fromBytes, parseTap(text))
  t.alike(fromBytes.tests, [{ name: 'crlf', status: 'xfail', detail: 'later' }])
  t.alike(fromBytes.warnings, [])
})

test('parseTap() clips huge diagnostics to MAX_DETAIL characters', t => {
  const yaml = Array.from({ length: 3000 }, (_, i) => `  line${i}: ${'x'.repeat(20)}`).join('\n')
  const r = parseTap(`1..1\nnot ok 1 - huge\n  ---\n${yaml}\n  ...\n`)
  const d = r.tests[0]?.detail ?? ''
  t.ok(d.length <= MAX_DETAIL, `detail is ${d.length} characters`)
  t.ok(d.startsWith('line0: '), 'keeps the start of YAML')
  t.ok(d.endsWith('characters cut]'), 'says that it cut')
})

test('parseTap() caps missing tests of an absurd plan', t => {
  const r = parseTap('1..99999999\nok 1\n')
  t.is(r.tests.length, 1 + 1000 + 1)
  t.alike(r.tests[r.tests.length - 1], { name: 'missing tests 1002..99999999', status: 'error', detail: '99998998 more tests planned by 1..99999999 (line 1) but never reported' })
})

test('parseTap() throws PARSE_TAP on input with no TAP at all', t => {
  t.is(code(() => parseTap(fixture('garbage.txt'))), 'PARSE_TAP')
  t.is(code(() => parseTap('')), 'PARSE_TAP')
  t.is(code(() => parseTap('   \n\n')), 'PARSE_TAP')
  t.is(code(() => parseTap('# only a comment\n')), 'PARSE_TAP')
  try {
    parseTap(fixture('garbage.txt'))
  } catch (err) {
    t.is((err as Error).message, 'PARSE_TAP: no TAP version, plan or test line in 4 lines (first: "make[1]: Entering directory \'/work/linux\'")')
  }
})

test('parseTap() reads a trailing # time= comment (node-tap, brittle) as the duration, not part of the name', t => {
  const out = parseTap([
    'TAP version 13',
    '# first',
    'ok 1 - adds numbers # time = 0.505813ms',
    'not ok 2 - reads a file # time=12.5ms',
    'ok 3 - skipped # SKIP no disk # time=1s',
    'ok 4 - a # hash in the name stays',
    'ok 5 - time = 3 is not a time comment when more follows # time = 3 # later',
    '1..5'
  ].join('\n'))
  t.alike(out.tests.map((x) => [x.name, x.status, x.duration]), [
    ['adds numbers', 'pass', 1],
    ['reads a file', 'fail', 13],
    ['skipped', 'skip', 1000],
    ['a # hash in the name stays', 'pass', undefined],
    ['time = 3 is not a time comment when more follows # time = 3 # later', 'pass', undefined]
  ])
})

test('parseTap(): a # time= too large for a result is dropped, and a long run of spaces after it is read in one pass', t => {
  const spaces = ' '.repeat(40_000)
  const out = parseTap([
    'TAP version 13',
    'ok 1 - huge # time=99999999999999999s',
    `ok 2 - spaced # time=1${spaces}ms`,
    `ok 3 - spaced, then text # time=1${spaces}x`,
    '1..3'
  ].join('\n'))
  t.alike(out.tests.map((x) => [x.name.slice(0, 40), x.duration]), [
    ['huge', undefined],
    ['spaced', 1],
    [`spaced, then text # time=1${spaces}`.slice(0, 40), undefined]
  ], 'a duration no result can hold is left out rather than the whole result refused')
})
