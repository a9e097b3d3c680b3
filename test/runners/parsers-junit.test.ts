import test from 'brittle'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isCairnError } from '../../protocol/errors.js'
import { parseJunit } from '../../runners/parsers/junit.js'
import { repoRoot } from '../helpers/paths.js'

const fixture = (name: string): Buffer => readFileSync(join(repoRoot, 'test/fixtures/parsers/junit', name))

function junitError (input: string | Uint8Array): string {
  try {
    parseJunit(input)
  } catch (err) {
    if (isCairnError(err, 'PARSE_JUNIT')) return err.message
    throw err
  }
  throw new Error('no error')
}

test('parseJunit() reads pytest output: suite/classname.name, failure, error, skip, xfail, ms', t => {
  const r = parseJunit(fixture('pytest.xml'))
  t.alike(r.warnings, [])
  t.alike(r.tests.map(x => [x.name, x.status, x.duration]), [
    ['pytest/tests.test_trailers.test_reviewed_by', 'pass', 2],
    ['pytest/tests.test_trailers.test_acked_by_on_cover[v2]', 'fail', 11],
    ['pytest/tests.test_trailers.test_nacked_by', 'skip', 0],
    ['pytest/tests.test_trailers.test_fixes_tag', 'xfail', 4],
    ['pytest/tests.test_mbox.test_mboxrd_from_escape', 'error', 1802],
    ['pytest/tests.test_mbox.test_split', 'pass', 54]
  ])
  t.is(r.tests[1]?.detail, "AssertionError: assert ['Acked-by: A <a@example.org>'] == []\n\ndef test_acked_by_on_cover(series):\n        trailers = collect(series)\n>       assert trailers == []\nE       AssertionError: assert ['Acked-by: A <a@example.org>'] == []\nE         Left contains one more item: 'Acked-by: A <a@example.org>'\n\ntests/test_trailers.py:31: AssertionError\n\nsystem-out:\ncollected 1 cover letter")
  t.is(r.tests[2]?.detail, 'Nacked-by handling not implemented (pytest.skip)\n\ntests/test_trailers.py:40: Nacked-by handling not implemented')
  t.is(r.tests[3]?.detail, 'b4 0.12 drops Fixes: from the cover (pytest.xfail)')
  t.absent(r.tests[0]?.detail)
})

test('parseJunit() reads a Surefire <testsuite> root: classname equal to the suite is not repeated, CDATA, system-err, 1,204.4 s', t => {
  const r = parseJunit(fixture('surefire.xml'))
  t.alike(r.tests.map(x => [x.name, x.status, x.duration]), [
    ['org.cairn.protocol.CanonicalTest.sortsKeys', 'pass', 4],
    ['org.cairn.protocol.CanonicalTest.rejectsFloats', 'fail', 12],
    ['org.cairn.protocol.CanonicalTest.hugeInput', 'skip', 1204400],
    ['org.cairn.protocol.CanonicalTest.flakyClock', 'pass', 101]
  ])
  t.is(r.tests[1]?.detail, 'expected: <true> but was: <false> (org.opentest4j.AssertionFailedError)\n\norg.opentest4j.AssertionFailedError: expected: <true> but was: <false>\n\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)\n\tat org.cairn.protocol.CanonicalTest.rejectsFloats(CanonicalTest.java:48)\n\nsystem-out:\nencoding 1.5 as canonical\n\nsystem-err:\nWARN float accepted')
  t.alike(r.warnings, [])
})

test('parseJunit() reads nested suites, a suite-level error and duplicate names', t => {
  const r = parseJunit(fixture('nested.xml'))
  t.alike(r.tests.map(x => [x.name, x.status, x.duration]), [
    ['runners/parsers/tap.reads TAP', 'pass', 100],
    ['runners/parsers/tap.reads TAP (2)', 'pass', 200],
    ['runners/parsers/junit.reads JUnit', 'fail', 700],
    ['runners/claims a job', 'pass', 1100],
    ['bridges/email/(suite)', 'error', undefined],
    ['bare', 'pass', 150]
  ])
  t.is(r.tests[4]?.detail, "Cannot find module 'postal-mime' (Error)\n\nError: Cannot find module 'postal-mime'\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)")
  t.alike(r.warnings, ['duplicate test name "runners/parsers/tap.reads TAP" renamed to "runners/parsers/tap.reads TAP (2)"'])
})

test('parseJunit() reads googletest skipped and not-run cases and numeric character references', t => {
  const r = parseJunit(fixture('googletest.xml'))
  t.alike(r.tests, [
    { name: 'NarTest.SerialisesSymlink', status: 'pass', duration: 12 },
    { name: 'NarTest.HugeFile', status: 'skip', duration: 0, detail: 'test/nar_test.cc:35\nneeds 5 GB of scratch space' },
    { name: 'NarTest.DISABLED_Sparse', status: 'skip', duration: 0 }
  ])
})

test('parseJunit() warns on bad times and unnamed cases but keeps them', t => {
  const r = parseJunit(fixture('bad-time.xml'))
  t.alike(r.tests, [
    { name: 'timing/c.t', status: 'pass' },
    { name: 'timing/c.u', status: 'pass' },
    { name: 'timing/c.testcase 3', status: 'pass' }
  ])
  t.alike(r.warnings, [
    'testcase "t": time "n/a" is not a number of seconds',
    'testcase "u": time "-1" is not a number of seconds',
    'testcase without a name in suite "timing" called "testcase 3"'
  ])
})

test('parseJunit() warns when a suite counts failures it does not contain', t => {
  const r = parseJunit('<testsuite name="s" failures="2"><testcase name="a"/></testsuite>')
  t.alike(r.warnings, ['testsuite "s" reports 2 failures/errors but no failing testcase'])
})

test('parseJunit() picks the worst of several result elements', t => {
  const r = parseJunit('<testsuite name="s"><testcase name="a"><skipped/><failure message="f"/><error message="e"/></testcase></testsuite>')
  t.alike(r.tests, [{ name: 's/a', status: 'error', detail: 'e' }])
})

test('parseJunit() throws PARSE_JUNIT saying what and where for malformed input', t => {
  t.is(junitError(fixture('truncated.xml')), 'PARSE_JUNIT: malformed XML at line 5 (end of input): <testsuites>, <testsuite>, <testcase>, <failure> never closed (input truncated?)')
  t.is(junitError(fixture('mismatched.xml')), "PARSE_JUNIT: malformed XML at line 6, column 5: Expected closing tag 'testcase' (opened in line 4, col 5) instead of closing tag 'testsuite'.")
  t.is(junitError(fixture('not-junit.xml')), 'PARSE_JUNIT: root element is <html>, not <testsuites> or <testsuite>')
  t.ok(junitError(fixture('garbage.bin')).startsWith('PARSE_JUNIT: not XML: input starts with '))
  t.is(junitError(''), 'PARSE_JUNIT: empty input: no XML')
  t.ok(junitError('<testsuites><testsuite name="a"><testcase na').startsWith('PARSE_JUNIT: malformed XML at line 1'))
  t.is(junitError('<?xml version="1.0"?>'), 'PARSE_JUNIT: no root element: expected <testsuites> or <testsuite>')
})

test('parseJunit() does not expand entity bombs beyond the parser limits', t => {
  const lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><testsuite name="&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><testcase name="a"/></testsuite>'
  try {
    const r = parseJunit(lol)
    t.ok((r.tests[0]?.name.length ?? 0) < 200_000, 'expansion stayed bounded')
  } catch (err) {
    t.ok(isCairnError(err, 'PARSE_JUNIT'), (err as Error).message)
  }
})
