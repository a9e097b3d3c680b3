import test from 'brittle'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import type { Role } from '../../protocol/schemas.js'
import { cairn } from '../helpers/cli.js'
import { allGone, cairnChild, fixture, makeProject, postSeries, until } from './fixture.js'

interface JobJson { id: string, state: string, runner: string | null, verdict: string | null, result: string | null, cancelled: boolean }
interface ChangeJson { name: string, a: string | null, b: string | null }
interface CompareJson { regressions: ChangeJson[], fixes: ChangeJson[], new: ChangeJson[], removed: ChangeJson[], stillFailing: ChangeJson[], counts: Record<string, number> }

const json = <T>(r: { status: number, stdout: string, stderr: string }): T => {
  if (r.status !== 0) throw new Error(`cairn failed (${r.status}): ${r.stderr}`)
  return JSON.parse(r.stdout) as T
}

/** Open a home in-process for setup the CLI has no command for yet (a series revision: the email bridge's job). */
async function withHome<T> (home: string, fn: (node: CairnNode) => Promise<T>): Promise<T> {
  const node = await CairnNode.open(home)
  try { return await fn(node) } finally { await node.close() }
}

/** Homes set up in-process (faster than one CLI run per step): each trusts the others with the given roles. */
async function homes (dir: string, names: string[], roles: Record<string, Record<string, Role[]>> = {}): Promise<Record<string, { home: string, identity: string, feed: string }>> {
  const out: Record<string, { home: string, identity: string, feed: string }> = {}
  for (const name of names) {
    const node = await CairnNode.init(join(dir, name), name)
    out[name] = { home: join(dir, name), identity: node.identityKey, feed: node.feedKey }
    await node.close()
  }
  for (const [who, trusts] of Object.entries(roles)) {
    await withHome(out[who]!.home, async (node) => {
      for (const [whom, r] of Object.entries(trusts)) await node.trust(out[whom]!.identity, r)
    })
  }
  return out
}

test('CLI: baseline and series jobs, one runner; compare reports the fixed test; a resubmitted baseline is reused', { timeout: 120_000 }, async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const H = join(dir, 'lab')
  await homes(dir, ['lab'])
  const revision = await withHome(H, async (node) => await postSeries(node, project.fix, { series: 'fix-answer', base: 'main' }))
  const recipe = fixture('recipe.json')

  const baseline = cairn(H, 'job', 'submit', '--repo', project.repo, '--ref', 'main', '--recipe', recipe).stdout.trim()
  const series = cairn(H, 'job', 'submit', '--repo', project.repo, '--series', 'fix-answer', '--recipe', recipe, '--profile', 'quick').stdout.trim()
  t.ok(/^[0-9a-f]{64}$/.test(baseline) && /^[0-9a-f]{64}$/.test(series), 'submit prints job ids')
  t.alike(json<JobJson[]>(cairn(H, 'job', 'list', '--json', '--state', 'queued')).map((j) => j.id), [baseline, series])

  const run = cairn(H, 'runner', 'start', '--tags', '', '--once', '--lease', '10s')
  t.is(run.status, 0, run.stderr)
  t.ok(run.stdout.includes(`job ${baseline.slice(0, 12)}: fail (3 tests: pass 2, fail 1)`), 'the baseline has its known failure')
  t.ok(run.stdout.includes(`job ${series.slice(0, 12)}: pass (3 tests: pass 3)`), 'the series fixes it')

  const jobs = json<Array<JobJson & { revision: string | null }>>(cairn(H, 'job', 'list', '--json'))
  t.alike(jobs.map((j) => [j.state, j.verdict, j.revision]), [['failed', 'fail', null], ['done', 'pass', revision]])

  const c = json<CompareJson>(cairn(H, 'results', 'compare', baseline, series, '--json'))
  t.alike(c.fixes, [{ name: 'answer', a: 'fail', b: 'pass' }], 'exactly that test is fixed')
  t.alike([c.regressions, c.new, c.removed, c.stillFailing], [[], [], [], []])
  const back = json<CompareJson>(cairn(H, 'results', 'compare', series, baseline, '--json'))
  t.alike(back.regressions, [{ name: 'answer', a: 'pass', b: 'fail' }], 'the other way round it is a regression')
  const text = cairn(H, 'results', 'compare', baseline, series)
  t.ok(/Fixes \(1\):\n {2}answer {2}fail -> pass/.test(text.stdout), 'text output lists the fix')

  const shown = json<{ verdict: string, tests: Array<{ name: string, status: string }>, logs: Array<{ name: string, text: string }> }>(cairn(H, 'results', 'show', series, '--json', '--log'))
  t.is(shown.verdict, 'pass')
  t.ok(shown.logs.find((l) => l.name === 'test-test.log')?.text.includes('ok 2 - answer'), 'the log is a blob, shown with --log')
  t.ok(shown.logs.find((l) => l.name === 'apply.log')?.text.includes('Applying: value: fix the answer'), 'so is git am\'s output')

  const again = cairn(H, 'job', 'submit', '--repo', project.repo, '--ref', 'main', '--recipe', recipe).stdout.trim()
  const second = cairn(H, 'runner', 'start', '--tags', '', '--once')
  const original = jobs[0]?.result ?? ''
  t.ok(second.stdout.includes(`job ${again.slice(0, 12)}: reused result ${original}`), 'no new run: the published result is reused')
  const listed = json<Array<{ job: string, verdict: string, effectiveVerdict: string, reuses: string | null }>>(cairn(H, 'results', 'list', '--json'))
  t.alike(listed.find((r) => r.job === again), { ...listed.find((r) => r.job === again), verdict: 'reused', effectiveVerdict: 'fail', reuses: original })
  t.alike(json<CompareJson>(cairn(H, 'results', 'compare', again, series, '--json')).fixes.map((f) => f.name), ['answer'], 'a reused result compares as the run it stands for')
  const failing = json<Array<{ job: string, test: { status: string } }>>(cairn(H, 'results', 'list', '--json', '--test', 'answer', '--series', 'fix-answer'))
  t.alike(failing.map((r) => [r.job, r.test.status]), [[series, 'pass']], 'filters: one series, one test')
})

test('CLI: SIGTERM of `cairn runner start` kills the test process tree and records the job aborted', { timeout: 120_000 }, async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir, { script: 'sleep 60 & echo $! > "$PIDS/bg"; echo $$ > "$PIDS/sh"; wait\n' })
  writeFileSync(join(dir, 'recipe.json'), JSON.stringify({ test: { run: 'sh t.sh', parser: 'tap' }, env: { PIDS: dir } }))
  const H = join(dir, 'lab')
  await homes(dir, ['lab'])
  const job = cairn(H, 'job', 'submit', '--repo', project.repo, '--ref', 'main', '--recipe', join(dir, 'recipe.json')).stdout.trim()
  const runner = cairnChild(t, H, 'runner', 'start', '--tags', '', '--lease', '10s')
  await runner.waitFor(/^runner ready/)
  const pids = await until('the step to start', () => {
    const [sh, bg] = ['sh', 'bg'].map((f) => existsSync(join(dir, f)) ? Number(readFileSync(join(dir, f), 'utf8')) : 0)
    return sh !== undefined && bg !== undefined && sh > 0 && bg > 0 ? [sh, bg] : null
  })
  runner.child.kill('SIGTERM')
  t.is(await runner.exited, 0, 'the runner stops cleanly')
  t.ok(await allGone(pids), 'no process of the job is left')
  t.ok(runner.lines.some((l) => l.startsWith(`job ${job.slice(0, 12)}: aborted`)), runner.lines.join('\n'))
  const [view] = json<JobJson[]>(cairn(H, 'job', 'list', '--json'))
  t.alike([view?.state, view?.verdict], ['aborted', 'aborted'])
  const shown = json<{ message: string }>(cairn(H, 'results', 'show', job, '--json'))
  t.is(shown.message, 'runner stopped')
})

test('CLI: kill -9 of the claiming runner; after its lease another runner completes the job; the restarted one reports it', { timeout: 120_000 }, async (t) => {
  const dir = await t.tmp()
  const lock = join(dir, 'first-run')
  const project = makeProject(dir, { script: 'if mkdir "$LOCK" 2>/dev/null; then echo $$ > "$LOCK/pid"; sleep 60; fi; echo 1..1; echo ok 1 - survived\n' })
  writeFileSync(join(dir, 'recipe.json'), JSON.stringify({ test: { run: 'sh t.sh', parser: 'tap' }, env: { LOCK: lock } }))
  const h = await homes(dir, ['m', 'a', 'b'], {
    a: { m: ['maintainer'], b: ['runner'] },
    b: { m: ['maintainer'], a: ['runner'] }
  })
  const job = cairn(h.m!.home, 'job', 'submit', '--repo', project.repo, '--ref', 'main', '--recipe', join(dir, 'recipe.json')).stdout.trim()
  const hub = cairnChild(t, h.m!.home, 'sync', '--listen', '127.0.0.1:0')
  const at = `127.0.0.1:${(await hub.waitFor(/^listening 127\.0\.0\.1:(\d+)$/))[1] ?? ''}`

  const a = cairnChild(t, h.a!.home, 'runner', 'start', '--tags', '', '--lease', '2s', '--connect', at)
  await a.waitFor(new RegExp(`job ${job.slice(0, 12)}: claimed`))
  const orphan = await until('runner a\'s step to start', () => existsSync(join(lock, 'pid')) ? Number(readFileSync(join(lock, 'pid'), 'utf8')) || null : null)
  t.teardown(() => { try { process.kill(-orphan, 'SIGKILL') } catch {} })
  a.child.kill('SIGKILL')
  await a.exited

  const b = cairnChild(t, h.b!.home, 'runner', 'start', '--tags', '', '--lease', '2s', '--connect', at)
  await b.waitFor(new RegExp(`job ${job.slice(0, 12)}: pass`))
  t.pass('runner b took the job over once a\'s lease ran out, and completed it')
  // The restarted runner reads b's result from the hub: wait until the hub holds it (read beside the hub's process), not for a time.
  await until('the hub to hold b\'s result', () => json<Array<{ author: string }>>(cairn(h.m!.home, 'log', '--json', '--type', 'result')).some((e) => e.author === h.b!.identity))

  const again = cairn(h.a!.home, 'runner', 'start', '--tags', '', '--once', '--connect', at)
  t.is(again.status, 0, again.stderr)
  t.ok(again.stdout.includes(`of job ${job} (step test:test) from an earlier run`) && again.stdout.includes('killed leftover process group'), 'the restarted runner killed what its crash left running')
  t.ok(again.stdout.includes(`job ${job.slice(0, 12)}: unfinished claim from an earlier run; taken over by ${h.b!.identity.slice(0, 12)}, now done`), again.stdout)
  t.ok(await allGone([orphan]))

  b.child.kill('SIGTERM')
  t.is(await b.exited, 0)
  const [view] = json<JobJson[]>(cairn(h.b!.home, 'job', 'list', '--json'))
  t.alike([view?.state, view?.runner], ['done', h.b!.identity])
})

test('CLI: runner start --once --connect flushes its last result to the coordinator before it exits, and says so', { timeout: 120_000 }, async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const h = await homes(dir, ['m', 'r'], { m: { r: ['runner'] }, r: { m: ['maintainer'] } })
  const job = cairn(h.m!.home, 'job', 'submit', '--repo', project.repo, '--ref', 'main', '--recipe', fixture('recipe.json')).stdout.trim()
  const hub = cairnChild(t, h.m!.home, 'sync', '--listen', '127.0.0.1:0')
  const at = `127.0.0.1:${(await hub.waitFor(/^listening 127\.0\.0\.1:(\d+)$/))[1] ?? ''}`

  const run = cairn(h.r!.home, 'runner', 'start', '--tags', '', '--once', '--connect', at)
  t.is(run.status, 0, run.stderr)
  t.ok(run.stdout.includes(`job ${job.slice(0, 12)}: fail`), run.stdout)
  t.ok(/^results flushed: peer \S+ holds our \d+ events$/m.test(run.stdout), `it says the peer has its results: ${run.stdout}`)
  const [view] = json<JobJson[]>(cairn(h.m!.home, 'job', 'list', '--json'))
  t.alike([view?.state, view?.verdict, view?.runner], ['failed', 'fail', h.r!.identity], 'the coordinator has the result the moment the runner is gone, without another sync')
  t.ok(json<Array<{ job: string }>>(cairn(h.m!.home, 'results', 'list', '--json')).some((r) => r.job === job))
})

test('CLI: bad input gives clear coded errors', { timeout: 120_000 }, async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const H = join(dir, 'lab')
  await homes(dir, ['lab'])
  const cases: Array<[string[], number, RegExp]> = [
    [['job', 'submit', '--repo', project.repo, '--ref', 'main', '--recipe', fixture('bad-parser.yaml')], 1, /RECIPE: .*bad-parser\.yaml:4:11: test\.parser: unknown parser "tapp"/],
    [['job', 'submit', '--repo', project.repo, '--ref', 'main', '--recipe', fixture('bad-syntax.yaml')], 1, /RECIPE: .*bad-syntax\.yaml:\d+:\d+: /],
    [['job', 'submit', '--repo', project.repo, '--ref', 'no-such-ref'], 1, /BASE: "no-such-ref" is not a commit/],
    [['job', 'submit', '--repo', project.repo, '--series', 'nothing'], 4, /SERIES_UNKNOWN/],
    [['job', 'submit', '--ref', 'main'], 2, /USAGE: missing --repo PATH\|URL: the repository runners clone/],
    [['job', 'submit', '--repo', project.repo], 2, /give --series ID .* or --ref REF/],
    [['job', 'list', '--state', 'sleeping'], 2, /--state "sleeping" is not one of queued, claimed, running, done, failed, aborted/],
    [['job', 'cancel', 'a'.repeat(64)], 4, /JOB_UNKNOWN/],
    [['runner', 'start'], 2, /USAGE: missing --tags T1,T2/],
    [['runner', 'start', '--tags', 'x', '--lease', '5q'], 2, /--lease: "5q" is not a duration/],
    [['results', 'show', 'deadbeefdeadbeef'], 4, /RESULT_UNKNOWN/],
    [['results', 'compare', 'a'], 2, /USAGE: missing B\nusage: cairn results compare/]
  ]
  for (const [args, status, message] of cases) {
    const r = cairn(H, ...args)
    t.is(r.status, status, `cairn ${args.slice(0, 2).join(' ')} exits ${status}`)
    t.ok(message.test(r.stderr), r.stderr.trim().split('\n')[0])
  }
  // Without --recipe the checked-in .cairn/recipe.yaml is used, and checked at submit.
  t.is(cairn(H, 'job', 'submit', '--repo', project.repo, '--ref', 'main').status, 0)
  t.is(json<unknown[]>(cairn(H, 'job', 'list', '--json')).length, 1, 'only the valid job was posted')
})
