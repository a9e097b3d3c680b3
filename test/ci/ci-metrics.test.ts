// The CI loop with a metric gate (ci.yaml `metrics: { gate: true }`): the
// daemon posts the baseline beside each series job, a runner runs them, and
// a series whose tests pass but whose throughput drops by a fifth gets a
// failing verdict mail naming the metric, baseline -> new value, size and
// unit; the version that leaves it unchanged passes.
import test from 'brittle'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cairn, cairnChild, cairnIn } from '../helpers/cli.js'
import { ciAndLab, headerOf, makeProject, METRIC_SUITE, ok, smtpSink } from './fixture.js'

test('CI with a metric gate: v1 passes against the baseline, v2 fails naming the metric that regressed and by how much', { timeout: 240_000 }, async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir, METRIC_SUITE)
  const smtp = await smtpSink(t)
  const { ciHome, labHome } = ciAndLab(dir)
  const config = join(dir, 'ci.yaml')
  writeFileSync(config, `repo: repo
base: main
tags: [ci]
metrics: { gate: true }
verdict:
  smtp: 127.0.0.1:${smtp.port}
`)
  const daemon = cairnChild(t, ciHome, 'start', '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', '--ci', config)
  const at = `127.0.0.1:${(await daemon.waitFor(/^sync\s+listening on 127\.0\.0\.1:(\d+)$/))[1] ?? ''}`
  await daemon.waitFor(/^running/)
  const runner = cairnChild(t, labHome, 'runner', 'start', '--tags', 'ci', '--lease', '30s', '--connect', at)
  await runner.waitFor(/^runner ready/)

  for (const mail of project.v1) ok(cairnIn(ciHome, readFileSync(mail.file), 'ingest', 'mail'))
  const [first] = await smtp.received(1)
  t.is(headerOf(first ?? '', 'X-Cairn-Verdict'), 'pass', 'v1: throughput as the baseline, a pass')
  t.is(daemon.count(/^ci .*: baseline job default submitted/), 1, 'the baseline of main posted beside the v1 job')

  for (const mail of project.v2) ok(cairnIn(ciHome, readFileSync(mail.file), 'ingest', 'mail'))
  const [, second] = await smtp.received(2)
  t.is(headerOf(second ?? '', 'X-Cairn-Verdict'), 'fail', 'v2: every test passes, the throughput regressed: a fail')
  t.ok(/^FAIL {2}default on \S+: pass, 2 tests: 2 pass$/m.test(second ?? ''), 'the run fails though its tests pass')
  t.ok(/^ {8}throughput: 1000 -> 800 ops\/s, -200 \(-20\.0%\), higher is better$/m.test(second ?? ''), second ?? '')
  t.is(daemon.count(/^ci .*: baseline job default submitted/), 1, 'v2 shares v1\'s baseline (same base, recipe, profile, tags)')

  // By hand, beside the daemon: `mail verdict --ci` judges as the loop did; without it the gate is not applied.
  const [series] = JSON.parse(cairn(ciHome, 'series', 'list', '--json').stdout) as Array<{ id: string }>
  const byHand = cairn(ciHome, 'mail', 'verdict', series?.id ?? '', '--version', '2', '--ci', config)
  t.is(byHand.status, 0, byHand.stderr)
  t.ok(/^cairn CI FAILED for v2/m.test(byHand.stdout) && /^ {8}throughput: 1000 -> 800 ops\/s/m.test(byHand.stdout), `mail verdict --ci: the gate fails v2 as the daemon did: ${byHand.stdout}`)
  t.ok(/^cairn CI passed for v2/m.test(cairn(ciHome, 'mail', 'verdict', series?.id ?? '', '--version', '2').stdout), 'without --ci no gate: its tests pass')
  const missing = cairn(ciHome, 'mail', 'verdict', series?.id ?? '', '--ci', join(dir, 'nowhere.yaml'))
  t.is(missing.status, 4)
  t.ok(missing.stderr.startsWith(`cairn: NOT_FOUND: --ci ${join(dir, 'nowhere.yaml')}: cannot read it`), missing.stderr)

  daemon.child.kill('SIGTERM')
  runner.child.kill('SIGTERM')
  t.is(await daemon.exited, 0)
  await runner.exited
})
