import test from 'brittle'
import { writeFileSync } from 'node:fs'
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

test('cairn schedule add --at HH:MM; list shows the running daemon\'s ci.yaml schedules, read-only; remove refuses them', async (t) => {
  const dir = await t.tmp()
  const home = join(dir, 'home')
  const project = makeProject(await t.tmp())
  t.is((await cairn(home, 'init', '--name', 'lab')).status, 0)
  const nightly = await cairn(home, 'schedule', 'add', '--every', '1d', '--at', '02:00', '--repo', project.repo, '--ref', 'main', '--name', 'nightly')
  t.ok(nightly.status === 0 && nightly.stdout.trim().endsWith('the daemon (cairn start) submits it, each at 02:00 UTC'), nightly.stdout + nightly.stderr)
  for (const [args, message] of [
    [['--every', '1d', '--at', '2:00'], 'BAD_SCHEDULE_AT: --at "2:00" is not a UTC time of day HH:MM such as 02:00'],
    [['--every', '1d', '--at', '24:00'], 'BAD_SCHEDULE_AT: --at "24:00" is not a UTC time of day HH:MM'],
    [['--every', '6h', '--at', '02:00'], 'BAD_SCHEDULE_AT: --at needs an --every of whole days']
  ] as Array<[string[], string]>) {
    const r = await cairn(home, 'schedule', 'add', ...args, '--repo', project.repo, '--ref', 'main', '--name', 'x')
    t.ok(r.status === 1 && r.stderr.startsWith(`cairn: ${message}`), r.stderr)
  }
  const config = join(dir, 'ci.yaml')
  writeFileSync(config, `repo: ${project.repo}\nverdict: { mbox: out }\nschedules:\n  - { name: weekly, every: 1w, ref: main, at: '03:00' }\n`)
  const daemon = cairnChild(t, home, 'start', '--http', '127.0.0.1:0', '--ci', config)
  await daemon.waitFor(/^running/)
  const rows = JSON.parse((await cairn(home, 'schedule', 'list', '--json')).stdout) as Array<Record<string, unknown>>
  t.alike(rows.map((r) => [r.name, r.source, r.readOnly, r.every, r.at]), [['ci/weekly', 'ci', true, '1w', '03:00'], ['nightly', 'home', false, '1d', '02:00']], 'the daemon\'s list: its ci.yaml schedule first')
  t.ok(String(rows[1]?.nextRun).endsWith('T02:00:00.000Z'), String(rows[1]?.nextRun))
  const text = (await cairn(home, 'schedule', 'list')).stdout.split('\n')
  t.ok(text[0]?.startsWith('ci/weekly (ci.yaml, read-only) every 1w at 03:00 UTC main '), text[0])
  const refused = await cairn(home, 'schedule', 'remove', 'ci/weekly')
  t.ok(refused.status === 1 && refused.stderr.startsWith('cairn: SCHEDULE_READ_ONLY: ci/weekly comes from the CI configuration'), refused.stderr)
  await killed(daemon.child, 'SIGTERM')
  t.alike(JSON.parse((await cairn(home, 'schedule', 'list', '--json')).stdout).map((r: { name: string }) => r.name), ['nightly'], 'without the daemon: the home\'s')
})
