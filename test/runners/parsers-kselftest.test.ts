import test from 'brittle'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isCairnError } from '../../protocol/errors.js'
import { parseKselftest } from '../../runners/parsers/kselftest.js'
import { repoRoot } from '../helpers/paths.js'

const fixture = (name: string): string => readFileSync(join(repoRoot, 'test/fixtures/parsers/kselftest', name), 'utf8')

test('parseKselftest() reads the runner output: names DIR/NAME, SKIP, exit=N, TIMEOUT, output as detail', t => {
  const r = parseKselftest(fixture('net-runner.txt'))
  t.alike(r.plan, { start: 1, end: 6 })
  const top = r.tests.filter(x => x.name.split('/').length === 2)
  t.alike(top.map(x => [x.name, x.status]), [
    ['net/reuseport_bpf', 'pass'],
    ['net/tls', 'fail'],
    ['net/fib_tests.sh', 'pass'],
    ['net/udpgro_fwd.sh', 'error'],
    ['net/netdevice.sh', 'skip'],
    ['net/so_txtime', 'fail']
  ])
  t.absent(top[0]?.detail, 'a passing test keeps no output')
  t.is(top[1]?.detail, 'exit=1\n\ntimeout set to 45\nFAILED: 5 / 6 tests passed.')
  t.is(top[3]?.detail, 'TIMEOUT 45 seconds\n\ntimeout set to 45\nIPv4\nNo GRO                                  ok\nGRO frag list                           ok\nGRO fwd')
  t.is(top[4]?.detail, 'timeout set to 45\nSKIP: ethtool not found')
})

test('parseKselftest() reads a selftest that speaks TAP as subtests, with its XFAIL and SKIP', t => {
  const r = parseKselftest(fixture('net-runner.txt'))
  const tls = r.tests.filter(x => x.name.startsWith('net/tls/'))
  t.alike(tls.map(x => [x.name, x.status]), [
    ['net/tls/global.non_established', 'pass'],
    ['net/tls/tls.12_aes_gcm.sendfile', 'pass'],
    ['net/tls/tls.12_aes_gcm.recv_partial', 'fail'],
    ['net/tls/tls.12_aes_gcm.splice_cmsg_to_pipe', 'skip'],
    ['net/tls/tls.13_chacha.rekey', 'xfail'],
    ['net/tls/tls.13_chacha.shutdown', 'pass']
  ])
  t.is(tls[2]?.detail, 'RUN           tls.12_aes_gcm.recv_partial ...\ntls.c:612:recv_partial:Expected memcmp(recv_mem, test_str, send_len) (1) == 0 (0)\nrecv_partial: Test failed\n         FAIL  tls.12_aes_gcm.recv_partial')
  t.ok(tls[4]?.detail?.startsWith('rekey not supported before 6.11\n\n'), 'the directive reason leads the detail')
})

test('parseKselftest() ends only the subtest on a nested Bail out!', t => {
  const r = parseKselftest(fixture('net-runner.txt'))
  const tx = r.tests.filter(x => x.name.startsWith('net/so_txtime'))
  t.alike(tx, [
    { name: 'net/so_txtime', status: 'fail', detail: 'exit=1\n\ntimeout set to 45\nBail out! SO_TXTIME not supported: Protocol not available (92)' },
    { name: 'net/so_txtime/so_txtime ipv4 mono', status: 'pass' },
    { name: 'net/so_txtime/so_txtime ipv6 mono', status: 'pass' },
    { name: 'net/so_txtime/missing test 3', status: 'error', detail: 'not run: bailed out: SO_TXTIME not supported: Protocol not available (92)' },
    { name: 'net/so_txtime/missing test 4', status: 'error', detail: 'not run: bailed out: SO_TXTIME not supported: Protocol not available (92)' }
  ])
  t.is(r.bailedOut, undefined, 'the run itself did not bail out')
  t.alike(r.warnings, ['line 70: subtest bailed out: SO_TXTIME not supported: Protocol not available (92)'])
})

test('parseKselftest() reads one TAP document per collection (run_kselftest.sh) without false warnings', t => {
  const r = parseKselftest(fixture('run-kselftest-collections.txt'))
  t.alike(r.tests, [
    { name: 'timers/posix_timers', status: 'pass' },
    { name: 'timers/posix_timers/check_itimer ITIMER_VIRTUAL', status: 'pass' },
    { name: 'timers/posix_timers/check_itimer ITIMER_PROF', status: 'pass' },
    { name: 'timers/posix_timers/check_itimer ITIMER_REAL', status: 'pass' },
    { name: 'timers/posix_timers/check_timer_create CLOCK_THREAD_CPUTIME_ID', status: 'pass' },
    { name: 'timers/nanosleep', status: 'pass' },
    { name: 'breakpoints/step_after_suspend_test', status: 'fail', detail: 'exit=1\n\nBail out! Failed to enable suspend: Permission denied' },
    { name: 'breakpoints/breakpoint_test', status: 'skip', detail: 'skipped: breakpoint tests need x86' },
    { name: 'breakpoints/missing_test', status: 'fail', detail: 'Warning: file breakpoints/missing_test is missing!' }
  ])
  t.alike(r.plan, { start: 1, end: 5 }, 'plans of all collections add up')
  t.alike(r.warnings, ['line 20: subtest bailed out: Failed to enable suspend: Permission denied'])
})

test('parseKselftest() reads kselftest.h directives: SKIP, XFAIL and xfail, XPASS, error', t => {
  const r = parseKselftest(fixture('arm64-sve.txt'))
  t.alike(r.tests, [
    { name: 'sve_vl_set', status: 'pass' },
    { name: 'test 2', status: 'skip', detail: 'SME not supported' },
    { name: 'test 3', status: 'xfail', detail: 'SVE2p1 instructions not available' },
    { name: 'test 4', status: 'error', detail: 'ptrace(PTRACE_GETREGSET) failed: Input/output error (5)\n\nptrace(PTRACE_GETREGSET, NT_ARM_SVE) returned -1' },
    { name: 'vl_inherit', status: 'xpass' },
    { name: 'vl_inherit_child', status: 'xfail', detail: 'child VL is reset on exec' },
    { name: 'fpsimd_writes', status: 'fail', detail: 'Mismatch in FPSIMD V0 after write' }
  ])
  t.alike(r.warnings, [], 'the Totals line agrees')
})

test('parseKselftest() warns when a Totals line disagrees with the results', t => {
  const r = parseKselftest(fixture('totals-mismatch.txt'))
  t.is(r.tests.length, 7)
  t.alike(r.warnings, ['line 13: Totals line says pass:3 fail:0 xfail:2 xpass:1 skip:1 error:1 but the results parsed give pass:1 fail:1 xfail:2 xpass:1 skip:1 error:1'])
})

test('parseKselftest() reads KUnit KTAP nesting, with and without dmesg timestamps', t => {
  const plain = parseKselftest(fixture('kunit.ktap'))
  const stamped = parseKselftest(fixture('kunit-dmesg.txt'))
  const expected = [
    ['example', 'fail'],
    ['example/example_simple_test', 'pass'],
    ['example/example_skip_test', 'skip'],
    ['example/example_params_test', 'pass'],
    ['example/example_params_test/example value 3', 'skip'],
    ['example/example_params_test/example value 2', 'pass'],
    ['example/example_params_test/example value 1', 'pass'],
    ['example/example_params_test/example value 0', 'skip'],
    ['example/example_failing_test', 'fail'],
    ['list-kunit-test', 'pass'],
    ['list-kunit-test/list_test_list_init', 'pass'],
    ['list-kunit-test/list_test_list_add', 'pass']
  ]
  t.alike(plain.tests.map(x => [x.name, x.status]), expected)
  t.alike(stamped.tests, plain.tests, 'timestamps change nothing')
  t.alike(plain.warnings, [], 'KUnit Totals (leaf counts) agree')
  t.alike(stamped.warnings, [])
  t.is(plain.tests[8]?.detail, 'example_failing_test: EXPECTATION FAILED at lib/kunit/kunit-example-test.c:72\nExpected 1 + 1 == 3, but\n    1 + 1 == 2 (0x2)')
})

test('parseKselftest() takes the directive case-insensitively and keeps other # text as diagnostic data', t => {
  const r = parseKselftest('KTAP version 1\n1..4\nok 1 check return code # rcode=0\nnot ok 2 slow # timeout 30 seconds\nnot ok 3 flaky # Error: no device\nok 4 issue \\# 42\n')
  t.alike(r.tests, [
    { name: 'check return code', status: 'pass' },
    { name: 'slow', status: 'error', detail: 'TIMEOUT 30 seconds' },
    { name: 'flaky', status: 'error', detail: 'no device' },
    { name: 'issue # 42', status: 'pass' }
  ])
})

test('parseKselftest() does not warn about unknown lines (KTAP allows them)', t => {
  const r = parseKselftest('TAP version 13\n1..1\nrandom console noise\n[ 12.3] more noise\nok 1 x\n')
  t.alike(r.warnings, [])
  t.alike(r.tests, [{ name: 'x', status: 'pass' }])
})

test('parseKselftest() throws PARSE_KSELFTEST on input with no TAP at all', t => {
  for (const input of [fixture('garbage.txt'), '', '# selftests: net: x\n# just output\n']) {
    try {
      parseKselftest(input)
      t.fail('no error')
    } catch (err) {
      t.ok(isCairnError(err, 'PARSE_KSELFTEST'), (err as Error).message)
    }
  }
})
