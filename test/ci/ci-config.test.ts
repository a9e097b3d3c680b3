import test from 'brittle'
import { parseCiConfig, seriesMatches } from '../../machines/ci-config.js'
import { isCairnError } from '../../protocol/errors.js'

const SMALLEST = 'repo: ../linux\nverdict:\n  smtp: 127.0.0.1:25\n'

const errorOf = (text: string): string => {
  try {
    parseCiConfig(text, 'ci.yaml')
  } catch (err) {
    if (isCairnError(err, 'POLICY')) return err.message.replace(/^POLICY: /, '')
    throw err
  }
  return 'no error'
}

test('ci.yaml: the smallest configuration gets its defaults', (t) => {
  const c = parseCiConfig(SMALLEST)
  t.alike(c, {
    series: { lists: [], paths: [], subjects: [] },
    repo: '../linux',
    base: 'HEAD',
    recipe: null,
    profiles: ['default'],
    tags: [],
    required: ['default'],
    verdict: { target: { kind: 'smtp', hostPort: '127.0.0.1:25' }, from: null, to: null },
    schedules: [],
    metrics: null
  })
})

test('ci.yaml: metrics, a gate on regressions against the baseline with its minimum change', (t) => {
  t.alike(parseCiConfig(SMALLEST + 'metrics: { gate: true }\n').metrics, { names: 'all', minChange: {} })
  t.alike(parseCiConfig(SMALLEST + 'metrics:\n  gate: [throughput, "*/read/bw"]\n  min-change: { "*": 3, throughput: 10 }\n').metrics,
    { names: ['throughput', '*/read/bw'], minChange: { default: 3, byName: { throughput: 10 } } })
  t.alike(parseCiConfig(SMALLEST + 'metrics: { gate: true, min-change: 2.5 }\n').metrics?.minChange, { default: 2.5 })
  t.is(parseCiConfig(SMALLEST + 'metrics: { gate: false, min-change: 2 }\n').metrics, null, 'gate false: nothing gated')
  t.is(errorOf(SMALLEST + 'metrics: { gate: yes please }\n'), 'ci.yaml line 4: metrics.gate must be a list')
  t.is(errorOf(SMALLEST + 'metrics: { gate: [] }\n'), 'ci.yaml line 4: metrics.gate must be true, false or a list of metric names (globs such as "*/read/bw")')
  t.is(errorOf(SMALLEST + 'metrics:\n  gate: true\n  min-change: -1\n'), 'ci.yaml line 6: metrics.min-change must be a percentage from 0, such as 5')
  t.is(errorOf(SMALLEST + 'metrics:\n  gate: true\n  min-change: { bw: lots }\n'), 'ci.yaml line 6: metrics.min-change.bw must be a percentage from 0, such as 5')
  t.is(errorOf(SMALLEST + 'metrics: { gate: true, noise: 5 }\n'), 'ci.yaml line 4: unknown key "noise" in metrics (expected one of gate, min-change)')
})

test('ci.yaml: schedules, baselines of a ref every interval (cairn schedule add in the configuration)', (t) => {
  const c = parseCiConfig(SMALLEST + 'profiles: [quick, full]\nschedules:\n  - { name: nightly, every: 1d, ref: main }\n  - { name: weekly, every: 1w, ref: next, profile: full }\n')
  t.alike(c.schedules, [{ name: 'nightly', everyMs: 86_400_000, ref: 'main', profile: 'quick' }, { name: 'weekly', everyMs: 7 * 86_400_000, ref: 'next', profile: 'full' }], 'the first profile unless one is named')
  t.is(errorOf(SMALLEST + 'schedules:\n  - { name: n, every: 30s, ref: main }\n'), 'ci.yaml line 5: schedules[0].every must be an interval of at least a minute such as 1d, 12h, 1w or 30m, not "30s"')
  t.is(errorOf(SMALLEST + 'schedules:\n  - { name: n, every: 1d, ref: main }\n  - { name: n, every: 1w, ref: main }\n'), 'ci.yaml line 6: schedules[1].name repeats n')
  t.is(errorOf(SMALLEST + 'schedules:\n  - { name: n, every: 1d }\n'), 'ci.yaml line 5: schedules[0].ref must be the ref to test, such as main')
  t.is(errorOf(SMALLEST + 'schedules:\n  - { name: n, every: 1d, ref: main, when: 2am }\n'), 'ci.yaml line 5: unknown key "when" in schedules[0] (expected one of name, every, ref, profile, at)')
  t.alike(parseCiConfig(SMALLEST + "schedules:\n  - { name: n, every: 1d, ref: main, at: '02:30' }\n").schedules[0]?.at, 150, 'at: minutes after 00:00 UTC')
  t.is(parseCiConfig(SMALLEST + 'schedules:\n  - { name: n, every: 1d, ref: main, at: 02:00 }\n').schedules[0]?.at, 120, 'unquoted too (YAML 1.2 reads it as text)')
  t.is(errorOf(SMALLEST + 'schedules:\n  - { name: n, every: 1d, ref: main, at: 2am }\n'), "ci.yaml line 5: schedules[0].at must be a UTC time of day 'HH:MM' such as '02:00'")
  t.is(errorOf(SMALLEST + "schedules:\n  - { name: n, every: 12h, ref: main, at: '02:00' }\n"), 'ci.yaml line 5: schedules[0].at needs an interval of whole days (1d, 1w): a time of day has no meaning for shorter periods')
})

test('ci.yaml: filters, profiles, required results and an outbox', (t) => {
  const c = parseCiConfig(`series:
  lists: [linux-xfs@vger.kernel.org]
  paths: ['fs/xfs/**']
  subjects: [XFS]
repo: https://git.example.org/xfs.git
base: for-next
recipe: recipe.yaml
profiles: [build, xfstests]
tags: [x86_64, kvm]
required: [xfstests]
verdict:
  maildir: outbox
  from: CI <ci@example.org>
  to: [ci-results@example.org]
`)
  t.alike([c.series.subjects, c.tags, c.required, c.verdict.target, c.verdict.to], [['xfs'], ['kvm', 'x86_64'], ['xfstests'], { kind: 'maildir', dir: 'outbox' }, ['ci-results@example.org']])
  const xfs = { list: 'linux-xfs.vger.kernel.org', subject: '[PATCH 0/2] xfs: fix the log' }
  t.ok(seriesMatches(c, xfs, ['fs/xfs/log.c']), 'a List-Id names the list its address names')
  t.absent(seriesMatches(c, xfs, ['fs/ext4/inode.c']), 'no touched path matches')
  t.absent(seriesMatches(c, { ...xfs, subject: 'ext4: fix' }, ['fs/xfs/log.c']), 'no keyword in the subject')
  t.absent(seriesMatches(c, { ...xfs, list: undefined }, ['fs/xfs/log.c']), 'a series from no list')
})

test('ci.yaml: errors name the file, the line and what is wrong', (t) => {
  t.is(errorOf('repo: x\nverdict:\n  smtp: here\n'), 'ci.yaml line 3: verdict.smtp must be HOST:PORT, such as 127.0.0.1:25')
  t.is(errorOf('repo: x\nverdict:\n  smtp: a:1\n  mbox: m\n'), 'ci.yaml line 3: verdict needs exactly one of smtp, maildir, mbox (smtp and mbox given)')
  t.is(errorOf('repo: x\nprofiles: [a]\nrequired: [a, b]\nverdict: { mbox: m }\n'), 'ci.yaml line 3: required[1] names b, which is not one of profiles (a)')
  t.is(errorOf('repo: x\nverdict: { mbox: m }\nseries:\n  list: [a]\n'), 'ci.yaml line 4: unknown key "list" in series (expected one of lists, paths, subjects)')
  t.is(errorOf('verdict: { mbox: m }\n'), 'ci.yaml line 1: repo must be the repository jobs apply the series to (a path or URL)')
  t.is(errorOf('repo: x\n'), 'ci.yaml line 1: verdict is missing (where verdict mails go: smtp: HOST:PORT, maildir: DIR or mbox: FILE)')
  t.is(errorOf('- a\n'), 'ci.yaml line 1: the CI configuration must be a mapping with repo, base and verdict')
  t.ok(/^ci\.yaml line \d+: /.test(errorOf('repo: [\n')), 'a YAML error names its line too')
})
