import test from 'brittle'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cairn } from '../helpers/cli.js'
import { makeProject } from './fixture.js'

interface FlowJson {
  revision: string
  baseline: { job: string, posted: boolean, verdict: string, result: string }
  series: { job: string, posted: boolean, verdict: string }
  ranLocally: boolean
  comparison: { regressions: unknown[], fixes: Array<{ name: string, a: string, b: string }> } | null
  policy: { verdict: string } | null
  mail: { to: string[], passed: boolean } | null
}

test('CLI: cairn flow from a repo and an mbox to a comparison and a verdict; run again it posts and runs nothing', { timeout: 180_000 }, async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const home = join(dir, 'lab')
  t.is(cairn(home, 'init', '--name', 'lab').status, 0)

  const noBase = cairn(home, 'flow', '--repo', project.repo, '--mbox', project.fix)
  t.is(noBase.status, 4, 'not found: the base')
  t.ok(noBase.stderr.includes('BASE_MISSING') && noBase.stderr.includes('--base'), noBase.stderr)

  const r = cairn(home, 'flow', '--repo', project.repo, '--mbox', project.fix, '--base', 'main')
  t.is(r.status, 0, r.stderr)
  const lines = r.stdout
  t.ok(/baseline job [0-9a-f]{12}: fail \(pass 2, fail 1\)/.test(lines), lines)
  t.ok(/series job [0-9a-f]{12}: pass \(pass 3\)/.test(lines), 'the series fixes the failing test')
  t.ok(/Fixes \(1\):\n {2}answer {2}fail -> pass/.test(lines), 'the comparison names the fix')
  t.ok(lines.includes('verdict: pass (no regression against the base; 1 fixed)'), 'the verdict')
  t.ok(lines.includes('policy: none set'))
  t.ok(/verdict mail: pass to .*dev@example\.org|verdict mail: pass to /.test(lines), lines)

  // The repo's policy, read from its work tree: one review wanted, none given.
  writeFileSync(join(project.repo, '.cairn', 'policy.yaml'), 'reviews: { required: 1, role: reviewer }\ntests: { required: [default] }\nveto: [Nacked-by]\n')
  const again = cairn(home, 'flow', '--repo', project.repo, '--mbox', project.fix, '--base', 'main', '--json')
  t.is(again.status, 0, again.stderr)
  const j = JSON.parse(again.stdout) as FlowJson
  t.alike([j.baseline.posted, j.series.posted], [false, false], 'the same jobs, not posted again')
  t.alike([j.baseline.verdict, j.series.verdict], ['fail', 'pass'])
  t.alike(j.comparison?.fixes, [{ name: 'answer', a: 'fail', b: 'pass' }])
  t.absent(again.stderr.includes('claimed'), 'nothing ran')
  t.is((JSON.parse(again.stdout) as { verdict: string }).verdict, 'pass')
  t.is(j.policy?.verdict, 'needs-review', 'the policy\'s verdict: tests pass, a review is missing')

  const broken = cairn(home, 'flow', '--repo', project.repo, '--mbox', project.broken, '--base', 'main')
  t.is(broken.status, 1, 'a series that does not apply fails the flow')
  t.ok(broken.stdout.includes('baseline job') && broken.stdout.includes('(posted before'), 'the baseline is the one already run')
  t.ok(broken.stdout.includes('verdict: fail (the series run ended apply-failed)'), broken.stdout)

  // Archived, the runs are not taken as the baseline: new jobs, which the runner answers by reusing the archived runs.
  t.is(cairn(home, 'results', 'archive', '--before', new Date().toISOString()).status, 0)
  const archived = cairn(home, 'flow', '--repo', project.repo, '--mbox', project.fix, '--base', 'main', '--json')
  const k = JSON.parse(archived.stdout) as FlowJson & { baseline: { reuses: string | null } }
  t.alike([k.baseline.posted, k.series.posted, k.baseline.verdict, k.baseline.reuses], [true, true, 'fail', j.baseline.result], `new jobs; the baseline reuses the archived run: ${archived.stderr}`)
  t.alike(k.comparison?.fixes, [{ name: 'answer', a: 'fail', b: 'pass' }], 'compared as before')
})

test('CLI: cairn flow without a series is FLOW_NO_SERIES', async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const home = join(dir, 'lab')
  t.is(cairn(home, 'init', '--name', 'lab').status, 0)
  const none = cairn(home, 'flow', '--repo', project.repo)
  t.is(none.status, 1)
  t.ok(none.stderr.includes('FLOW_NO_SERIES') && none.stderr.includes('--mbox'), none.stderr)
  const mbox = join(dir, 'chat.mbox')
  writeFileSync(mbox, 'From x Mon Jan  1 00:00:00 2024\nFrom: A <a@example.org>\nSubject: hello\nMessage-ID: <chat@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\njust talk\n')
  const chat = cairn(home, 'flow', '--repo', project.repo, '--mbox', mbox)
  t.is(chat.status, 1)
  t.ok(chat.stderr.includes('FLOW_NO_SERIES') && chat.stderr.includes('no patch series'), chat.stderr)
  const both = cairn(home, 'flow', '--repo', project.repo, '--mbox', mbox, '--series', 'x')
  t.is(both.status, 2, 'usage error')
})
