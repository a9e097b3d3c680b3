import test from 'brittle'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fstestsHeader, parseFstests } from '../../runners/parsers/fstests.js'
import { formatDuration, renderReport, summarise } from '../../protocol/result-summary.js'
import type { ParsedTest } from '../../runners/parsers/types.js'
import { repoRoot } from '../helpers/paths.js'

test('summarise() counts statuses, sums durations and decides the verdict', t => {
  const tests: ParsedTest[] = [
    { name: 'a', status: 'pass', duration: 1200 },
    { name: 'b', status: 'fail', duration: 300 },
    { name: 'c', status: 'skip' },
    { name: 'd', status: 'xfail', duration: 5 },
    { name: 'e', status: 'error' }
  ]
  t.alike(summarise(tests), {
    counts: { pass: 1, fail: 1, error: 1, skip: 1, xfail: 1, xpass: 0 },
    total: 5,
    ran: 4,
    duration: 1505,
    timed: 3,
    verdict: 'fail'
  })
})

test('summarise() verdicts: xpass fails, xfail passes, nothing run is skip', t => {
  t.is(summarise([{ name: 'a', status: 'pass' }, { name: 'b', status: 'xpass' }]).verdict, 'fail')
  t.is(summarise([{ name: 'a', status: 'pass' }, { name: 'b', status: 'xfail' }]).verdict, 'pass')
  t.is(summarise([{ name: 'a', status: 'skip' }]).verdict, 'skip')
  t.is(summarise([]).verdict, 'skip')
  t.is(summarise([{ name: 'a', status: 'skip' }, { name: 'b', status: 'error' }]).verdict, 'fail')
})

test('renderReport() renders a failing run like check\'s summary', t => {
  const tests: ParsedTest[] = [
    { name: 'net/reuseport_bpf', status: 'pass', duration: 1500 },
    { name: 'net/tls', status: 'fail', duration: 10_250 },
    { name: 'net/netdevice.sh', status: 'skip' },
    { name: 'net/udpgro_fwd.sh', status: 'error' }
  ]
  t.is(renderReport(tests, { section: 'net', fields: { RUNNER: 'lab-3 (x86_64)', KERNEL: '6.9.0-rc5' } }), [
    'SECTION       -- net',
    'RUNNER        -- lab-3 (x86_64)',
    'KERNEL        -- 6.9.0-rc5',
    '=========================',
    'Ran: net/reuseport_bpf net/tls net/udpgro_fwd.sh',
    'Not run: net/netdevice.sh',
    'Failures: net/tls net/udpgro_fwd.sh',
    'Failed 2 of 3 tests',
    'Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:1',
    'Total time: 11.8s (2 of 4 tests timed)',
    'Verdict: fail',
    ''
  ].join('\n'))
})

test('renderReport() renders a passing run and an empty one', t => {
  t.is(renderReport([{ name: 'a', status: 'pass', duration: 40 }, { name: 'b', status: 'xfail', duration: 10 }]), [
    '=========================',
    'Ran: a b',
    'Passed all 2 tests',
    'Totals: pass:1 fail:0 xfail:1 xpass:0 skip:0 error:0',
    'Total time: 0.1s',
    'Verdict: pass',
    ''
  ].join('\n'))
  t.is(renderReport([]), [
    '=========================',
    'Passed all 0 tests',
    'Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:0',
    'Total time: unknown',
    'Verdict: skip',
    ''
  ].join('\n'))
})

test('renderReport() wraps long lists, quotes names with spaces and can cap Ran:/Not run:', t => {
  const tests: ParsedTest[] = [
    ...Array.from({ length: 12 }, (_, i): ParsedTest => ({ name: `generic/${String(i + 1).padStart(3, '0')}`, status: 'pass' })),
    { name: 'series grouping/threads replies', status: 'fail' },
    { name: "it's quoted", status: 'skip' }
  ]
  t.is(renderReport(tests, { listLimit: 5 }), [
    '=========================',
    'Ran: generic/001 generic/002 generic/003 generic/004 generic/005',
    '    ... and 8 more',
    "Not run: 'it'\\''s quoted'",
    "Failures: 'series grouping/threads replies'",
    'Failed 1 of 13 tests',
    'Totals: pass:12 fail:1 xfail:0 xpass:0 skip:1 error:0',
    'Total time: unknown',
    'Verdict: fail',
    ''
  ].join('\n'))
  const wrapped = renderReport(tests, { width: 40 }).split('\n')
  t.alike(wrapped.slice(1, 6), [
    'Ran: generic/001 generic/002 generic/003',
    '    generic/004 generic/005 generic/006',
    '    generic/007 generic/008 generic/009',
    '    generic/010 generic/011 generic/012',
    "    'series grouping/threads replies'"
  ])
  t.ok(renderReport(tests, { width: 0 }).split('\n')[1]?.startsWith('Ran: generic/001 generic/002 generic/003 generic/004 generic/005 generic/006 generic/007'))
})

test('renderReport() of parsed fstests output matches what check itself summarised', t => {
  const text = readFileSync(join(repoRoot, 'test/fixtures/parsers/fstests/check-xfs.txt'), 'utf8')
  const report = renderReport(parseFstests(text).tests, { fields: fstestsHeader(text), width: 0 })
  const lines = report.split('\n')
  const expected = text.split('\n').filter(l => /^(Ran|Not run|Failures): |^Failed \d+ of/.test(l))
  // check leaves expunged tests out of Not run:; the report counts them as skipped.
  t.alike(lines.filter(l => /^(Ran|Failures): |^Failed \d+ of/.test(l)), expected.filter(l => !l.startsWith('Not run')))
  t.is(lines.find(l => l.startsWith('Not run: ')), 'Not run: generic/003 generic/008 xfs/500')
  t.is(lines[0], 'FSTYP         -- xfs (debug)')
  t.is(lines.find(l => l.startsWith('Total time')), 'Total time: 23.0s (4 of 11 tests timed)')
})

test('formatDuration() prints seconds with one decimal', t => {
  t.is(formatDuration(0), '0.0s')
  t.is(formatDuration(49), '0.0s')
  t.is(formatDuration(50), '0.1s')
  t.is(formatDuration(312_449), '312.4s')
})
