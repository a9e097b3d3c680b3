import test from 'brittle'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ActiveSteps } from '../../runners/active.js'
import { runStep } from '../../runners/exec.js'
import { gitEnv } from '../../runners/git.js'
import { patchMail } from '../../runners/patches.js'
import { applyPatches, narOfWorkspace, prepareWorkspace, RepoCache, removeWorkspace, treeId } from '../../runners/workspace.js'
import { hasNix, nix, NO_NIX } from '../helpers/nix.js'
import { allGone, makeProject, until } from './fixture.js'

const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin' }
const pidIn = (dir: string, name: string): number => Number(readFileSync(join(dir, name), 'utf8').trim())

test('runStep() kills the whole process group when the step times out', async (t) => {
  const dir = await t.tmp()
  const started = Date.now()
  const outcome = await runStep({
    command: 'sleep 30 & echo $! > bg.pid; echo $$ > sh.pid; sleep 30',
    cwd: dir,
    env: ENV,
    timeoutMs: 300,
    graceMs: 200,
    logPath: join(dir, 'log')
  })
  t.ok(outcome.timedOut, 'timed out')
  t.ok(Date.now() - started < 5000, 'returned promptly')
  const [sh, bg] = [pidIn(dir, 'sh.pid'), pidIn(dir, 'bg.pid')]
  t.is(outcome.pgid, sh, 'the shell leads its own group')
  t.ok(await allGone([sh, bg]), 'the step and its background child are gone')
  t.ok(readFileSync(join(dir, 'log'), 'utf8').includes('timed out after 300 ms'), 'the log says why it ended')
})

test('runStep() kills what a step left running when it exits, and gives it a clean environment', async (t) => {
  const dir = await t.tmp()
  process.env.CAIRN_TEST_SECRET = 'leak'
  t.teardown(() => { delete process.env.CAIRN_TEST_SECRET })
  const outcome = await runStep({
    command: 'sleep 30 & echo $! > bg.pid; env > env.txt; echo out; echo err >&2',
    cwd: dir,
    env: { ...ENV, ONLY: 'this' },
    timeoutMs: 10_000,
    logPath: join(dir, 'log'),
    stdoutPath: join(dir, 'stdout')
  })
  t.is(outcome.code, 0)
  t.ok(await allGone([pidIn(dir, 'bg.pid')]), 'the background child went with its step')
  const env = readFileSync(join(dir, 'env.txt'), 'utf8')
  t.ok(env.includes('ONLY=this') && !env.includes('CAIRN_TEST_SECRET'), 'only the given variables')
  t.is(readFileSync(join(dir, 'stdout'), 'utf8'), 'out\n', 'stdout alone for the parser')
  t.alike(readFileSync(join(dir, 'log'), 'utf8').split('\n').filter(Boolean).sort(), ['err', 'out'], 'both streams in the log')
})

test('runStep() also kills what left the step\'s group with setsid, and does not wait on the pipe it holds', { timeout: 60_000 }, async (t) => {
  const dir = await t.tmp()
  // The escaped sleep keeps the step's stdout open: waiting for the pipe to close would wait 300 s.
  const outcome = await runStep({
    command: "setsid sh -c 'echo $$ > escaped.pid; exec sleep 300' & until [ -s escaped.pid ]; do sleep 0.05; done; echo done",
    cwd: dir,
    env: ENV,
    timeoutMs: 30_000,
    logPath: join(dir, 'log')
  })
  t.is(outcome.code, 0, 'the step itself succeeded')
  const escaped = pidIn(dir, 'escaped.pid')
  t.not(escaped, outcome.pgid)
  t.ok(await allGone([escaped]), 'the process that left the group is gone too (found by its CAIRN_STEP marker)')
})

test('killLeftovers() after a crash also kills a step\'s process that left its group', async (t) => {
  const dir = await t.tmp()
  const marker = 'CAIRN_STEP=leftover-test-' + String(process.pid)
  const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore', env: { ...ENV, CAIRN_STEP: marker.slice('CAIRN_STEP='.length), CAIRN_JOB: 'j1' } })
  child.unref()
  t.teardown(() => { try { process.kill(child.pid as number, 'SIGKILL') } catch {} })
  const file = join(dir, 'active.json')
  // The step's group (its shell) is long gone; only the escaped process is left.
  writeFileSync(file, JSON.stringify([{ job: 'j1', step: 'build', pgid: 999_999, started: 1, marker }]))
  const killed = new ActiveSteps(file).killLeftovers()
  t.is(killed.length, 1, 'reported as a leftover')
  t.ok(await allGone([child.pid as number]), 'and killed')
  t.alike(new ActiveSteps(file).previous(), [], 'the file is cleared')
})

test('killLeftovers() after a runner killed between a step\'s spawn and learning its group: the step, recorded by its marker before the spawn, is killed', async (t) => {
  const dir = await t.tmp()
  const file = join(dir, 'active.json')
  const active = new ActiveSteps(file)
  let recordedFirst: unknown = null
  let started = (): void => {}
  const onStart = new Promise<void>((resolve) => { started = resolve })
  const step = runStep({
    command: 'echo $$ > sh.pid; exec sleep 300',
    cwd: dir,
    env: { ...ENV, CAIRN_JOB: 'j2' },
    timeoutMs: 60_000,
    logPath: join(dir, 'log'),
    onMarker: (marker) => active.add({ job: 'j2', step: 'test', pgid: 0, started: 1, marker }),
    onStart: () => { recordedFirst = new ActiveSteps(file).previous(); started() } // what a crash at this moment would leave
  })
  t.teardown(async () => { try { process.kill(-pidIn(dir, 'sh.pid'), 'SIGKILL') } catch {} await step })
  await onStart // under load the step's shell may run before this process learns it started: wait for both
  await until('the step to start', () => existsSync(join(dir, 'sh.pid')) && readFileSync(join(dir, 'sh.pid'), 'utf8').endsWith('\n'))
  t.alike((recordedFirst as Array<{ pgid: number }>).map((s) => s.pgid), [0], 'the step was on file, without a group, before it could run')
  writeFileSync(file, JSON.stringify(recordedFirst)) // the runner died there
  const killed = new ActiveSteps(file).killLeftovers()
  t.is(killed.length, 1, 'reported as a leftover')
  t.ok(await allGone([pidIn(dir, 'sh.pid')]), 'and killed, found by its marker alone')
})

test('runStep() aborted by a signal kills the group and says so', async (t) => {
  const dir = await t.tmp()
  const controller = new AbortController()
  const run = runStep({ command: 'echo $$ > sh.pid; sleep 30', cwd: dir, env: ENV, timeoutMs: 60_000, logPath: join(dir, 'log'), signal: controller.signal, graceMs: 200 })
  await until('the step to start', () => existsSync(join(dir, 'sh.pid')) && readFileSync(join(dir, 'sh.pid'), 'utf8').endsWith('\n'))
  controller.abort('runner stopped')
  const outcome = await run
  t.ok(outcome.aborted && !outcome.timedOut)
  t.ok(await allGone([pidIn(dir, 'sh.pid')]))
})

test('workspace: a worktree at the base, git am of a series, the same tree by two routes', async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const env = gitEnv(dir)
  const cache = new RepoCache(join(dir, 'repos'))
  const mail = readFileSync(project.fix)

  const a = await prepareWorkspace(cache, project.repo, 'main', join(dir, 'a'), env)
  t.is(a.base, project.main, 'the branch name resolves to its commit')
  t.is(readFileSync(join(a.dir, 'value'), 'utf8'), '41\n')
  t.alike(await applyPatches(a, [mail], join(dir, 'pa'), env), { ok: true, output: 'Applying: value: fix the answer' })
  t.is(readFileSync(join(a.dir, 'value'), 'utf8'), '42\n')

  // Route two: only the diff, the mail rebuilt from the revision's fields.
  const text = mail.toString('utf8')
  const rebuilt = patchMail({ index: 1, subject: '[PATCH] value: fix the answer', author: { name: 'Dev One', email: 'dev@example.org' }, message: 'It was off by one.' }, text.slice(text.indexOf('diff --git')))
  const b = await prepareWorkspace(cache, project.repo, project.main, join(dir, 'b'), env)
  t.ok((await applyPatches(b, [Buffer.from(rebuilt)], join(dir, 'pb'), env)).ok)
  const [ta, tb] = [await treeId(a, env), await treeId(b, env)]
  t.is(ta, tb, 'same tree id whichever way the series came')
  t.is((await narOfWorkspace(a, join(dir, 'aside'))), await narOfWorkspace(b, join(dir, 'aside')), 'same NAR hash')
  t.ok(existsSync(join(a.dir, '.git')), 'the worktree link is back after hashing')

  await removeWorkspace(cache, a, env)
  await removeWorkspace(cache, b, env)
  t.absent(existsSync(a.dir) || existsSync(b.dir), 'worktrees removed')
})

test('workspace: a series that does not apply is reported with git\'s output, and the tree is left clean', async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const env = gitEnv(dir)
  const cache = new RepoCache(join(dir, 'repos'))
  const ws = await prepareWorkspace(cache, project.repo, 'main', join(dir, 'w'), env)
  const r = await applyPatches(ws, [readFileSync(project.broken)], join(dir, 'p'), env)
  t.is(r.ok, false)
  t.ok(/patch does not apply|patch failed/.test(r.output), r.output.split('\n')[1] ?? r.output)
  t.is(readFileSync(join(ws.dir, 'value'), 'utf8'), '41\n', 'git am --abort restored the base')
  await t.exception(prepareWorkspace(cache, project.repo, 'no-such-branch', join(dir, 'x'), env), /BASE: base "no-such-branch" is not a commit/)
})

test('workspace: NAR hash of the checked-out tree agrees with nix-hash', { skip: !hasNix }, async (t) => {
  if (!hasNix) { t.comment(NO_NIX); return }
  const dir = await t.tmp()
  const project = makeProject(dir)
  const env = gitEnv(dir)
  const ws = await prepareWorkspace(new RepoCache(join(dir, 'repos')), project.repo, 'main', join(dir, 'w'), env)
  const ours = await narOfWorkspace(ws, join(dir, 'aside'))
  renameSync(join(ws.dir, '.git'), join(dir, 'aside'))
  const theirs = nix('nix-hash', ['--type', 'sha256', '--base32', ws.dir]).toString().trim()
  renameSync(join(dir, 'aside'), join(ws.dir, '.git'))
  t.is(ours, theirs)
})
