import test from 'brittle'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isCairnError } from '../../protocol/errors.js'
import { fstestsHeader, parseFstests } from '../../runners/parsers/fstests.js'
import { parseFstestsResultsDir } from '../../runners/parsers/fstests-dir.js'
import { unifiedDiff } from '../../runners/parsers/unified-diff.js'
import { repoRoot } from '../helpers/paths.js'

const dir = (...p: string[]): string => join(repoRoot, 'test/fixtures/parsers/fstests', ...p)
const fixture = (name: string): string => readFileSync(dir(name), 'utf8')

test('parseFstests() reads check output: pass with time, not run, mismatch with diff, exit status, fsck, dmesg, expunged', t => {
  const r = parseFstests(fixture('check-xfs.txt'))
  t.alike(r.warnings, [], 'summary lines agree with the test lines')
  t.alike(r.tests.map(x => [x.name, x.status, x.duration]), [
    ['generic/001', 'pass', 4000],
    ['generic/002', 'pass', 0],
    ['generic/003', 'skip', undefined],
    ['generic/004', 'fail', undefined],
    ['generic/005', 'pass', 1000],
    ['generic/006', 'fail', undefined],
    ['generic/007', 'fail', undefined],
    ['generic/008', 'skip', undefined],
    ['generic/009', 'fail', undefined],
    ['xfs/348', 'pass', 18000],
    ['xfs/500', 'skip', undefined]
  ])
  const d = Object.fromEntries(r.tests.map(x => [x.name, x.detail]))
  t.is(d['generic/003'], 'this test requires a valid $SCRATCH_LOGDEV')
  t.is(d['generic/004'], [
    'output mismatch (see /root/xfstests-dev/results//generic/004.out.bad)',
    '',
    '--- tests/generic/004.out\t2024-01-16 09:12:40.188366781 +0000',
    '+++ /root/xfstests-dev/results//generic/004.out.bad\t2024-04-24 08:34:43.718525603 +0000',
    '@@ -1,2 +1,4 @@',
    ' QA output created by 004',
    '+xfs_io: pwrite failed: No space left on device',
    '+xfs_io: fsync failed: Input/output error',
    ' Silence is golden',
    '...',
    "(Run 'diff -u /root/xfstests-dev/tests/generic/004.out /root/xfstests-dev/results//generic/004.out.bad'  to see the entire diff)"
  ].join('\n'))
  t.ok(d['generic/006']?.startsWith('failed, exit status 1\noutput mismatch (see /root/xfstests-dev/results//generic/006.out.bad)\n\n--- tests/generic/006.out'))
  t.is(d['generic/007'], '_check_generic_filesystem: filesystem on /dev/vdc is inconsistent\n\n(see /root/xfstests-dev/results//generic/007.full for details)')
  t.is(d['generic/008'], 'expunged')
  t.is(d['generic/009'], '_check_dmesg: something found in dmesg (see /root/xfstests-dev/results//generic/009.dmesg)')
})

test('fstestsHeader() returns the configuration check printed', t => {
  t.alike(fstestsHeader(fixture('check-xfs.txt')), {
    FSTYP: 'xfs (debug)',
    PLATFORM: 'Linux/x86_64 runner-07 6.9.0-rc5-cairn+ #12 SMP PREEMPT_DYNAMIC Wed Apr 24 08:30:50 UTC 2024',
    MKFS_OPTIONS: '-f -m rmapbt=1 /dev/vdc',
    MOUNT_OPTIONS: '-o context=system_u:object_r:root_t:s0 /dev/vdc /mnt/scratch'
  })
})

test('parseFstests() reads -T timestamps and console lines between a test and its verdict', t => {
  const r = parseFstests(fixture('check-timestamps.txt'))
  t.alike(r.warnings, [])
  t.alike(r.tests, [
    { name: 'generic/576', status: 'pass', duration: 4000 },
    { name: 'generic/577', status: 'skip', detail: 'fsverity utility required, skipped this test' },
    {
      name: 'generic/579',
      status: 'fail',
      detail: '_check_generic_filesystem: filesystem on /dev/vdc is inconsistent\n\n[    7.745370] run fstests generic/579 at 2024-11-04 10:02:25\n(see /results/f2fs/results-default/generic/579.full for details)'
    },
    { name: 'generic/580', status: 'pass', duration: 1000 }
  ])
})

test('parseFstests() prefixes config sections and does not read the closing recap twice', t => {
  const r = parseFstests(fixture('check-sections.txt'))
  t.alike(r.warnings, [])
  t.alike(r.tests.map(x => [x.name, x.status, x.duration]), [
    ['xfs_4k/generic/001', 'pass', 4000],
    ['xfs_4k/generic/013', 'pass', 41000],
    ['xfs_1k/generic/001', 'pass', 5000],
    ['xfs_1k/generic/013', 'fail', undefined]
  ])
  t.ok(r.tests[3]?.detail?.includes('+fsstress: check_cwd failure'))
})

test('parseFstests() reports a test that never got a verdict as an error', t => {
  const r = parseFstests(fixture('check-interrupted.txt'))
  t.alike(r.tests, [
    { name: 'btrfs/001', status: 'pass', duration: 2000 },
    { name: 'btrfs/002', status: 'pass', duration: 8000 },
    { name: 'btrfs/003', status: 'error', detail: 'no result: the output ended or the next test began before this one reported (interrupted or crashed?)' }
  ])
})

test('parseFstests() checks the summary against the test lines and adds tests only the summary names', t => {
  const r = parseFstests(fixture('check-mismatch.txt'))
  t.alike(r.tests.map(x => [x.name, x.status]), [['ext4/001', 'pass'], ['ext4/002', 'pass'], ['ext4/003', 'fail'], ['ext4/004', 'fail']])
  t.is(r.tests[3]?.detail, 'listed in Failures: without a result line')
  t.alike(r.warnings, [
    'line 7: ext4/004 is in the summary but has no result line',
    'line 7: summary says Failed 3 of 4 tests, the result lines give 2 of 4'
  ])
})

test('parseFstests() warns when a failure is missing from Failures:', t => {
  const r = parseFstests('generic/001 1s ... - output mismatch (see /r/generic/001.out.bad)\ngeneric/002 1s ...  1s\nRan: generic/001 generic/002\nPassed all 2 tests\n')
  t.alike(r.warnings, [
    'line 1: generic/001 failed but the summary does not list it in Failures:',
    'line 3: summary says Passed all 2 tests, the result lines give 1 failures in 2'
  ])
})

test('parseFstests() reads only the last run of a check.log, with fmt-wrapped lists', t => {
  const r = parseFstests(fixture('check.log'))
  t.alike(r.warnings, [])
  t.alike(r.tests.map(x => [x.name, x.status]), [
    ['generic/001', 'pass'], ['generic/002', 'pass'], ['generic/004', 'fail'], ['generic/005', 'pass'],
    ['generic/006', 'fail'], ['generic/007', 'fail'], ['generic/009', 'fail'], ['xfs/348', 'pass'],
    ['generic/003', 'skip'], ['xfs/500', 'skip']
  ])
})

test('parseFstests() throws PARSE_FSTESTS on output that is not from check', t => {
  for (const input of [fixture('garbage.txt'), '', 'FSTYP         -- xfs\n']) {
    try {
      parseFstests(input)
      t.fail('no error')
    } catch (err) {
      t.ok(isCairnError(err, 'PARSE_FSTESTS'), (err as Error).message)
    }
  }
})

test('parseFstestsResultsDir() reads check.log and check.time and explains failures from the files', async t => {
  const r = await parseFstestsResultsDir(dir('xfstests-dev/results'))
  t.alike(r.warnings, [])
  t.alike(r.tests.map(x => [x.name, x.status, x.duration]), [
    ['generic/001', 'pass', 4000], ['generic/002', 'pass', 0], ['generic/004', 'fail', undefined],
    ['generic/005', 'pass', 1000], ['generic/006', 'fail', undefined], ['generic/007', 'fail', undefined],
    ['generic/009', 'fail', undefined], ['xfs/348', 'pass', 18000],
    ['generic/003', 'skip', undefined], ['xfs/500', 'skip', undefined]
  ])
  const d = Object.fromEntries(r.tests.map(x => [x.name, x.detail]))
  t.is(d['generic/004'], [
    'output mismatch (see generic/004.out.bad)',
    '',
    '--- tests/generic/004.out',
    '+++ generic/004.out.bad',
    '@@ -1,2 +1,4 @@',
    ' QA output created by 004',
    '+xfs_io: pwrite failed: No space left on device',
    '+xfs_io: fsync failed: Input/output error',
    ' Silence is golden',
    '',
    'generic/004.full:',
    'meta-data=/dev/vdc               isize=512    agcount=4, agsize=655360 blks',
    '         =                       sectsz=512   attr=2, projid32bit=1',
    'data     =                       bsize=4096   blocks=2621440, imaxpct=25',
    'wrote 4194304/4194304 bytes at offset 0',
    '4 MiB, 1024 ops; 0.0123 sec (324.675 MiB/sec and 83116.8831 ops/sec)',
    'xfs_io: pwrite failed: No space left on device'
  ].join('\n'))
  t.ok(d['generic/007']?.startsWith('_check_generic_filesystem: filesystem on /dev/vdc is inconsistent\n\ngeneric/007.full:\n[... 9 earlier lines]\n'), 'the fsck verdict from .full, then its end')
  t.ok(d['generic/007']?.endsWith('disconnected inode 1051, would move to lost+found\nPhase 7 - verify link counts...\nNo modify flag set, skipping filesystem flush and exiting.\n*** end fsck.xfs output'))
  t.ok(d['generic/009']?.startsWith('something found in dmesg (see generic/009.dmesg)\n\ndmesg:\n[ 1023.456789] run fstests generic/009'))
  t.ok(d['generic/009']?.includes('WARNING: CPU: 2 PID: 4711 at fs/xfs/libxfs/xfs_bmap.c:4567'))
  t.is(d['generic/003'], 'this test requires a valid $SCRATCH_LOGDEV', 'the .notrun file gives the reason')
})

test('parseFstestsResultsDir() prefers check output when given and adds the golden-file diff', async t => {
  const r = await parseFstestsResultsDir(dir('xfstests-dev/results'), { output: fixture('check-xfs.txt') })
  t.is(r.tests.length, 11)
  const d = Object.fromEntries(r.tests.map(x => [x.name, x.detail]))
  t.ok(d['generic/006']?.startsWith('failed, exit status 1\noutput mismatch (see /root/xfstests-dev/results//generic/006.out.bad)\n\n--- tests/generic/006.out\n+++ generic/006.out.bad\n@@ -1,2 +1,3 @@\n'))
  t.is(d['generic/008'], 'expunged')
})

test('parseFstestsResultsDir() reads the xunit result.xml with fstests naming and kernel-log', async t => {
  const r = await parseFstestsResultsDir(dir('xunit-results'))
  t.alike(r.tests.map(x => [x.name, x.status, x.duration]), [
    ['generic/001', 'pass', 4000],
    ['generic/002', 'skip', undefined],
    ['generic/003', 'fail', undefined],
    ['generic/004', 'fail', undefined]
  ])
  t.is(r.tests[1]?.detail, 'this test requires a valid $SCRATCH_LOGDEV')
  t.ok(r.tests[2]?.detail?.startsWith("output mismatch (see /root/xfstests-dev/results//generic/003.out.bad)\n\n--- tests/generic/003.out\t2024-01-16 09:12:40.188366781 +0000\n"))
  t.ok(r.tests[2]?.detail?.endsWith("generic/003.full:\nseed = 1713947690\nfsync(3) returned 0\ntouch: cannot touch '/mnt/test/003.dir/file': Read-only file system"))
  t.is(r.tests[3]?.detail, '_check_dmesg: something found in dmesg (see /root/xfstests-dev/results//generic/004.dmesg)\n\ndmesg:\n[ 2211.000101] run fstests generic/004 at 2024-04-24 08:31:01\n[ 2240.551212] EXT4-fs error (device vdc): ext4_mb_generate_buddy:1217: group 0, block bitmap and bg descriptor inconsistent: 32768 vs 32767 free clusters\n[ 2240.551300] Aborting journal on device vdc-8.')
})

test('parseFstestsResultsDir() reads one results/<section>/ per config section', async t => {
  const r = await parseFstestsResultsDir(dir('sections-results'))
  t.alike(r.tests.map(x => [x.name, x.status, x.duration]), [
    ['ext4_1k/generic/001', 'pass', 5000],
    ['ext4_1k/generic/013', 'fail', undefined],
    ['ext4_4k/generic/001', 'pass', 4000],
    ['ext4_4k/generic/013', 'pass', 41000]
  ])
  t.is(r.tests[1]?.detail, 'output mismatch (see generic/013.out.bad)\n\ngeneric/013.out.bad (golden output not found, first lines):\nQA output created by 013\nfsstress.1 ...\nfsstress: check_cwd failure\ncleanup')
})

test('parseFstestsResultsDir() never reads files named by something that is not a test id', async t => {
  const tmp = mkdtempSync(join(tmpdir(), 'cairn-fstests-'))
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }))
  mkdirSync(join(tmp, 'results'))
  writeFileSync(join(tmp, 'secret.out.bad'), 'do not read me\n')
  writeFileSync(join(tmp, 'results', 'result.xml'), '<testsuite name="xfstests"><testcase classname="xfstests.global" name="../secret" time="1"><failure message="x"/></testcase></testsuite>')
  const r = await parseFstestsResultsDir(join(tmp, 'results'))
  t.alike(r.tests, [{ name: '../secret', status: 'fail', detail: 'x' }])
})

test('parseFstestsResultsDir() throws PARSE_FSTESTS for a missing or foreign directory', async t => {
  for (const d of [dir('no-such-dir'), join(repoRoot, 'test/fixtures/parsers/tap'), dir('check-xfs.txt')]) {
    try {
      await parseFstestsResultsDir(d)
      t.fail(`no error for ${d}`)
    } catch (err) {
      t.ok(isCairnError(err, 'PARSE_FSTESTS'), (err as Error).message)
    }
  }
})

test('unifiedDiff() matches diff -u: context of three, separate hunks, empty sides', t => {
  const a = 'QA output created by 004\nline a\nline b\nline c\nline d\nline e\nline f\nline g\nline h\nSilence is golden\n'
  const b = 'QA output created by 004\nxfs_io: pwrite failed\nline a\nline b\nline c\nline d\nline e\nline f\nline g\nline X\nSilence is golden\nextra\n'
  t.is(unifiedDiff(a, b, 'a', 'b'), [
    '--- a', '+++ b',
    '@@ -1,4 +1,5 @@', ' QA output created by 004', '+xfs_io: pwrite failed', ' line a', ' line b', ' line c',
    '@@ -6,5 +7,6 @@', ' line e', ' line f', ' line g', '-line h', '+line X', ' Silence is golden', '+extra'
  ].join('\n'))
  t.is(unifiedDiff('', 'x\n', 'a', 'b'), '--- a\n+++ b\n@@ -0,0 +1 @@\n+x')
  t.is(unifiedDiff('x\n', '', 'a', 'b'), '--- a\n+++ b\n@@ -1 +0,0 @@\n-x')
  t.is(unifiedDiff('same\n', 'same\n', 'a', 'b'), '')
  const big = Array.from({ length: 3000 }, (_, i) => `l${i}`)
  t.is(unifiedDiff(big.join('\n'), big.map(l => l + '!').join('\n'), 'a', 'b'), undefined, 'too large to diff')
})
