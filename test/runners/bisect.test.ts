import test from 'brittle'
import { writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { bisect, bisectRange } from '../../runners/bisect.js'
import { bisectProblems } from '../../protocol/bisect.js'
import { flakes } from '../../node/views/flakes.js'
import type { ResultEvent } from '../../node/views/results.js'
import { compareJson } from '../../node/wire/results.js'
import { isCairnError } from '../../protocol/errors.js'
import { CairnNode } from '../../node/node.js'
import { cairn } from '../helpers/cli.js'
import { createNode, syncOnce } from '../helpers/nodes.js'
import { git, makeBisectRepo as makeRepo, runsOf, settled, startRunner, submit, until } from './fixture.js'

const COMMITS = 64
const BREAKS_AT = 40 // commit 40 breaks test "answer"
const FLAKES_AT = 31 // the first commit the search tests: "answer" is wrong there on its first run only

const total = (m: Map<number, number>): number => [...m.values()].reduce((a, b) => a + b, 0)

test('bisect: 64 commits, the first bad one in 7 runs (5 steps, a rerun of a flaky step, the answer confirmed); again, and from another node, nothing runs', { timeout: 300_000 }, async (t) => {
  const dir = await t.tmp()
  const { repo, commits, runs } = makeRepo(dir, { count: COMMITS, breaksAt: BREAKS_AT, flakesAt: FLAKES_AT })
  const { node } = await createNode(t, 'lab')
  await startRunner(t, node)

  // Before the bisect, CI tested commit 31 twice (the second a rerun): the runs disagree on "answer" (and "flaky").
  // It tested the tip twice too: "answer" fails both times, "flaky" only the second.
  const tip: string[] = []
  for (const at of [FLAKES_AT, COMMITS - 1]) {
    for (const reuse of [undefined, false] as const) {
      const job = await submit(node, { repo, ref: commits[at] as string, ...(reuse === undefined ? {} : { reuse }) })
      const r = await until(`job at commit ${at}`, () => settled(node, job))
      if (at === COMMITS - 1) tip.push(r.id)
    }
  }
  t.alike(runsOf(runs), new Map([[FLAKES_AT, 2], [COMMITS - 1, 2]]))

  const lines: string[] = []
  const out = await bisect(node, { repo, good: commits[0] as string, bad: 'main', test: 'answer', log: (l) => lines.push(l) })
  t.is(out.body.firstBad, commits[BREAKS_AT], 'the commit that broke "answer"')
  const counted = runsOf(runs)
  t.is(total(counted) - 4, 7, `7 test runs: 5 steps, 1 rerun, 1 confirming the answer (${[...counted].map(([c, n]) => `${c}x${n}`).join(' ')})`)
  t.is(counted.get(BREAKS_AT), 2, 'the first bad commit ran twice')
  t.is(counted.get(FLAKES_AT), 3, 'the flaky step ran a third time, and counted as its majority (good)')
  t.is(out.jobs, 7)
  t.is(out.ran, 7)
  const flaky = out.body.steps.find((s) => s.commit === commits[FLAKES_AT])
  t.alike([flaky?.outcome, flaky?.flaky, flaky?.results.length], ['good', true, 3], 'the flaky step lists its three runs')
  t.ok(lines.some((l) => l.includes('runs disagree')), lines.join('\n'))
  t.alike(bisectProblems(out.body, await bisectRange(repo, commits[0] as string, commits[COMMITS - 1] as string)), [], 'the steps prove the answer')
  const event = node.views.event(out.event)
  t.is(event?.type, 'bisect', 'published as a bisect event')

  const again = await bisect(node, { repo, good: commits[0] as string, bad: 'main', test: 'answer' })
  t.is(again.body.firstBad, commits[BREAKS_AT])
  t.is(again.jobs, 0, 'a second bisect submits nothing')
  t.is(total(runsOf(runs)), total(counted), 'and runs nothing')

  // The flake ledger: commit 31's runs disagree on both tests, the tip's and commit 40's on "flaky". Compare keeps "flaky" apart from the regression.
  // The ledger's order between identities is not part of its contract: compare it sorted.
  const ledger = flakes(node.views).map((f) => `${f.test}x${f.runs.length}`).sort()
  t.alike(ledger, ['answerx3', 'flakyx2', 'flakyx2', 'flakyx3'])
  const lastGood = out.body.steps.filter((s) => s.outcome === 'good' && s.flaky !== true).pop()?.results[0] as string
  const c = compareJson(node.views, node.views.event(lastGood) as ResultEvent, node.views.event(tip[1] as string) as ResultEvent)
  t.alike([c.regressions.map((x) => x.name), c.flaky.map((x) => x.name)], [['answer'], ['flaky']], 'the regression, and the flaky test apart')

  // Bisecting the verdict: failures of tests flaky under a run's identity are not believed, so commit 31 is good and nothing runs.
  const verdict = await bisect(node, { repo, good: commits[0] as string, bad: 'main' })
  t.alike([verdict.body.firstBad, verdict.jobs], [commits[BREAKS_AT], 0], 'the verdict bisect agrees, from the cache')

  // A lab that trusts this one as a runner reuses its runs too.
  const { node: other } = await createNode(t, 'other')
  await other.trust(node.identityKey, ['runner'])
  await syncOnce(node, other)
  const there = await bisect(other, { repo, good: commits[0] as string, bad: 'main', test: 'answer' })
  t.is(there.body.firstBad, commits[BREAKS_AT])
  t.is(there.jobs, 0, 'nothing submitted on the other node')
})

test('bisect: a step whose one run is a flaky failure is not blamed: the answer is run again, its runs disagree, and the search goes on to the right commit', { timeout: 300_000 }, async (t) => {
  const dir = await t.tmp()
  const { repo, commits, runs } = makeRepo(dir, { count: COMMITS, breaksAt: BREAKS_AT, flakesAt: FLAKES_AT })
  const { node } = await createNode(t, 'lab')
  await startRunner(t, node)
  const lines: string[] = []
  const out = await bisect(node, { repo, good: commits[0] as string, bad: 'main', test: 'answer', log: (l) => lines.push(l) })
  t.is(out.body.firstBad, commits[BREAKS_AT], `not commit ${FLAKES_AT}, whose first run failed: ${lines.join('\n')}`)
  const counted = runsOf(runs)
  t.alike([counted.get(FLAKES_AT), counted.get(BREAKS_AT)], [3, 2], 'the flaky step settled by three runs; the answer confirmed by a second')
  t.is(total(counted), 14, `6 steps, 2 reruns at the flake, 5 more steps, 1 confirming (${[...counted].map(([c, n]) => `${c}x${n}`).join(' ')})`)
})

test('bisect: a range that is not good..bad is refused, naming why', async (t) => {
  const dir = await t.tmp()
  const repo = join(dir, 'repo')
  mkdirSync(repo)
  git(repo, 'init', '-q', '-b', 'main')
  writeFileSync(join(repo, 'n'), '0\n')
  mkdirSync(join(repo, '.cairn'))
  writeFileSync(join(repo, '.cairn', 'recipe.yaml'), 'test:\n  run: echo 1..0\n  parser: tap\n')
  git(repo, 'add', '.')
  git(repo, 'commit', '-q', '-m', 'one')
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'two')
  const { node } = await createNode(t)
  const refused = async (opts: { good: string, bad: string, repo?: string }, what: string): Promise<void> => {
    try {
      await bisect(node, { repo, ...opts })
      t.fail(`${what}: not refused`)
    } catch (err) {
      t.ok(isCairnError(err, 'BISECT_RANGE') || isCairnError(err, 'BASE'), `${what}: ${(err as Error).message}`)
    }
  }
  await refused({ good: 'main', bad: 'main~1' }, 'bad before good')
  await refused({ good: 'nope', bad: 'main' }, 'an unknown good')
  await refused({ good: 'main~1', bad: 'main', repo: 'https://git.example.org/x.git' }, 'a URL')
})

test('CLI: cairn bisect names the first bad commit and its proof; bisect check verifies it, and refuses a step its results contradict', { timeout: 300_000 }, async (t) => {
  const dir = await t.tmp()
  const { repo, commits } = makeRepo(dir, { count: 44, breaksAt: BREAKS_AT, flakesAt: FLAKES_AT })
  const home = join(dir, 'lab')
  await (await CairnNode.init(home, 'lab')).close()
  const r = cairn(home, 'bisect', '--repo', repo, '--good', commits[0] as string, '--bad', 'main', '--test', 'answer')
  t.is(r.status, 0, r.stderr)
  t.ok(r.stdout.includes(`first bad commit: ${commits[BREAKS_AT] as string}`), r.stdout)
  const id = /bisect event ([0-9a-f]{64})/.exec(r.stdout)?.[1] as string
  const ok = cairn(home, 'bisect', 'check', id.slice(0, 12), '--json')
  t.alike(JSON.parse(ok.stdout), { event: id, ok: true, rangeChecked: true, problems: [] }, ok.stderr)

  // The same steps, claiming the first bad commit one later: the results say otherwise.
  const body = JSON.parse(cairn(home, 'bisect', '--repo', repo, '--good', commits[0] as string, '--bad', 'main', '--test', 'answer', '--json').stdout) as { steps: Array<{ commit: string, outcome: string }> }
  const forged = { scheme: 'cairn/bisect/v1', project: 'repo', repo, good: commits[0], bad: commits[43], test: 'answer', recipe: {}, profile: 'default', tags: [], commits: 43, steps: body.steps.map((s) => s.commit === commits[BREAKS_AT] ? { ...s, outcome: 'good' } : s), firstBad: commits[BREAKS_AT + 1] }
  const posted = cairn(home, 'post', 'bisect', '--body', JSON.stringify(forged)).stdout.trim()
  const bad = cairn(home, 'bisect', 'check', posted)
  t.is(bad.status, 1)
  t.ok(bad.stderr.includes('BISECT_INCONSISTENT') && bad.stderr.includes('the step says good'), bad.stderr)
  t.is(cairn(home, 'bisect', '--repo', repo, '--good', commits[0] as string).status, 2, 'a missing --bad is a usage error')
})

test('bisect: a step whose job is cancelled before it settles ends the bisect with BISECT_JOB naming the job', async (t) => {
  const dir = await t.tmp()
  const { repo, commits } = makeRepo(dir, { count: 4, breaksAt: BREAKS_AT, flakesAt: FLAKES_AT })
  const { node } = await createNode(t) // no runner: the first step's job waits until it is cancelled
  let submitted = (_prefix: string): void => {}
  const prefixed = new Promise<string>((resolve) => { submitted = resolve })
  const ended = bisect(node, { repo, good: commits[0] as string, bad: 'main', test: 'answer', log: (l) => { const m = /job ([0-9a-f]{12}) submitted/.exec(l); if (m !== null) submitted(m[1] as string) } })
    .then(() => new Error('the bisect went on without the step'), (err: unknown) => err)
  const prefix = await prefixed
  const job = node.views.ofType('job.request').find((e) => e.id.startsWith(prefix))?.id as string
  await node.post('job.progress', { job, step: 'cancel', state: 'cancelled' }, [job])
  const err = await ended
  t.ok(isCairnError(err, 'BISECT_JOB'), String(err))
  t.ok((err as Error).message.includes(`job ${prefix} was aborted (cancelled)`), (err as Error).message)
  t.is(node.views.ofType('bisect').length, 0, 'no bisect event')
})
