import test from 'brittle'
import { join } from 'node:path'
import { exitCodeOf } from '../../node/cli/exit-codes.js'
import { findCommand } from '../../node/cli/registry.js'
import { runArgv } from '../../node/cli/run.js'
import { isCairnError } from '../../protocol/errors.js'
import { cairnChild } from '../helpers/cli.js'
import { killed } from '../helpers/child.js'
import { makeProject } from '../runners/fixture.js'

/** `cairn --home HOME COMMAND ARGS` in this process, as main runs it: a process per case is seconds each on a loaded machine. */
async function cairn (home: string, command: string, ...args: string[]): Promise<{ status: number, stdout: string, stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const io = { out: (l: string) => { out.push(l + '\n') }, err: (l: string) => { err.push(l + '\n') } }
  let status = 0
  try {
    await runArgv(findCommand(command) as NonNullable<ReturnType<typeof findCommand>>, { home, io, stopped: new Promise(() => {}) }, args)
  } catch (e) {
    if (!isCairnError(e)) throw e
    io.err(`cairn: ${e.message}`)
    status = exitCodeOf(e.code)
  }
  return { status, stdout: out.join(''), stderr: err.join('') }
}

test('cairn schedule add|list|remove: checked like job submit, kept in the home; cairn start submits what is due', async (t) => {
  const home = join(await t.tmp(), 'home')
  const project = makeProject(await t.tmp())
  t.is((await cairn(home, 'schedule', 'add', '--every', '1d', '--repo', project.repo, '--ref', 'main')).status, 4, 'no node in the home yet: NOT_INITIALISED')
  t.is((await cairn(home, 'init', '--name', 'lab')).status, 0)

  const added = await cairn(home, 'schedule', 'add', '--every', '1d', '--repo', project.repo, '--ref', 'main', '--tags', 'b,a')
  t.is(added.status, 0, added.stderr)
  t.ok(/^schedule repo-main-1d: main of \S+ every 1d \(now at [0-9a-f]{12}\); the daemon \(cairn start\) submits it, the first at once$/.test(added.stdout.trim()), added.stdout)

  const again = await cairn(home, 'schedule', 'add', '--every', '12h', '--repo', project.repo, '--ref', 'main', '--name', 'repo-main-1d')
  t.is(again.status, 1)
  t.ok(again.stderr.startsWith('cairn: SCHEDULE_EXISTS: a schedule named repo-main-1d exists'), again.stderr)
  for (const [every, why] of [['1x', 'unknown unit'], ['30s', 'seconds'], ['0d', 'zero'], ['1d 2h', 'a space']]) {
    const r = await cairn(home, 'schedule', 'add', '--every', every as string, '--repo', project.repo, '--ref', 'main', '--name', 'x')
    t.ok(r.status === 1 && r.stderr.startsWith('cairn: BAD_INTERVAL: --every '), `--every "${every as string}" (${why as string}): ${r.stderr.trim()}`)
  }
  const badRef = await cairn(home, 'schedule', 'add', '--every', '1w', '--repo', project.repo, '--ref', 'nope', '--name', 'x')
  t.ok(badRef.status === 1 && badRef.stderr.startsWith('cairn: BASE: "nope" is not a commit of'), badRef.stderr)
  const badName = await cairn(home, 'schedule', 'add', '--every', '1w', '--repo', project.repo, '--ref', 'main', '--name', '-x')
  t.ok(badName.status === 1 && badName.stderr.startsWith('cairn: BAD_SCHEDULE_NAME: '), badName.stderr)
  const badRecipe = await cairn(home, 'schedule', 'add', '--every', '1w', '--repo', project.repo, '--ref', 'main', '--recipe', join(project.repo, 'missing.yaml'))
  t.ok(badRecipe.status === 1 && badRecipe.stderr.startsWith('cairn: RECIPE: cannot read --recipe'), badRecipe.stderr)
  t.is((await cairn(home, 'schedule', 'add', '--every', '1w2d', '--repo', project.repo, '--ref', 'main', '--name', 'weekly')).status, 0)

  const listed = JSON.parse((await cairn(home, 'schedule', 'list', '--json')).stdout) as Array<Record<string, unknown>>
  t.alike(listed.map((s) => [s.name, s.every, s.ref, s.tags, s.lastRun]), [['repo-main-1d', '1d', 'main', ['a', 'b'], null], ['weekly', '9d', 'main', [], null]])
  t.ok(/^repo-main-1d every 1d main \S+ profile default \[a,b\] last never next \S+Z$/.test((await cairn(home, 'schedule', 'list')).stdout.split('\n')[0] ?? ''), 'a line per schedule')

  const unknown = await cairn(home, 'schedule', 'remove', 'nightly')
  t.is(unknown.status, 4, 'not found')
  t.ok(unknown.stderr.startsWith('cairn: SCHEDULE_UNKNOWN: no schedule named nightly'), unknown.stderr)
  const removed = await cairn(home, 'schedule', 'remove', 'repo-main-1d')
  t.is(removed.stdout.trim(), 'schedule repo-main-1d removed; its jobs and results stay')

  // The daemon submits the remaining schedule's first period at once, and records it.
  const daemon = cairnChild(t, home, 'start', '--http', 'off')
  await daemon.waitFor(/^schedule 1 schedule\(s\) in /)
  const posted = await daemon.waitFor(/^schedule weekly: job ([0-9a-f]{12}) posted for main at [0-9a-f]{12}$/)
  await killed(daemon.child, 'SIGTERM')
  const after = JSON.parse((await cairn(home, 'schedule', 'list', '--json')).stdout) as Array<{ lastRun: string | null }>
  t.ok(after[0]?.lastRun !== null, 'its last run recorded')
  t.ok((await cairn(home, 'job', 'list')).stdout.startsWith(posted[1] as string), 'the job is on the node')
})
