import test from 'brittle'
import { join } from 'node:path'
import { cairn, cairnChild } from '../helpers/cli.js'
import { killed } from '../helpers/child.js'
import { makeProject } from '../runners/fixture.js'

// Each case is a cairn process (about a second each on a loaded machine): brittle's default 30 s is too short for them all.
test('cairn schedule add|list|remove: checked like job submit, kept in the home; cairn start submits what is due', { timeout: 120_000 }, async (t) => {
  const home = join(await t.tmp(), 'home')
  const project = makeProject(await t.tmp())
  t.is(cairn(home, 'schedule', 'add', '--every', '1d', '--repo', project.repo, '--ref', 'main').status, 4, 'no node in the home yet: NOT_INITIALISED')
  t.is(cairn(home, 'init', '--name', 'lab').status, 0)

  const added = cairn(home, 'schedule', 'add', '--every', '1d', '--repo', project.repo, '--ref', 'main', '--tags', 'b,a')
  t.is(added.status, 0, added.stderr)
  t.ok(/^schedule repo-main-1d: main of \S+ every 1d \(now at [0-9a-f]{12}\); the daemon \(cairn start\) submits it, the first at once$/.test(added.stdout.trim()), added.stdout)

  const again = cairn(home, 'schedule', 'add', '--every', '12h', '--repo', project.repo, '--ref', 'main', '--name', 'repo-main-1d')
  t.is(again.status, 1)
  t.ok(again.stderr.startsWith('cairn: SCHEDULE_EXISTS: a schedule named repo-main-1d exists'), again.stderr)
  for (const [every, why] of [['1x', 'unknown unit'], ['30s', 'seconds'], ['0d', 'zero'], ['1d 2h', 'a space']]) {
    const r = cairn(home, 'schedule', 'add', '--every', every as string, '--repo', project.repo, '--ref', 'main', '--name', 'x')
    t.ok(r.status === 1 && r.stderr.startsWith('cairn: BAD_INTERVAL: --every '), `--every "${every as string}" (${why as string}): ${r.stderr.trim()}`)
  }
  const badRef = cairn(home, 'schedule', 'add', '--every', '1w', '--repo', project.repo, '--ref', 'nope', '--name', 'x')
  t.ok(badRef.status === 1 && badRef.stderr.startsWith('cairn: BASE: "nope" is not a commit of'), badRef.stderr)
  const badName = cairn(home, 'schedule', 'add', '--every', '1w', '--repo', project.repo, '--ref', 'main', '--name', '-x')
  t.ok(badName.status === 1 && badName.stderr.startsWith('cairn: BAD_SCHEDULE_NAME: '), badName.stderr)
  const badRecipe = cairn(home, 'schedule', 'add', '--every', '1w', '--repo', project.repo, '--ref', 'main', '--recipe', join(project.repo, 'missing.yaml'))
  t.ok(badRecipe.status === 1 && badRecipe.stderr.startsWith('cairn: RECIPE: cannot read --recipe'), badRecipe.stderr)
  t.is(cairn(home, 'schedule', 'add', '--every', '1w2d', '--repo', project.repo, '--ref', 'main', '--name', 'weekly').status, 0)

  const listed = JSON.parse(cairn(home, 'schedule', 'list', '--json').stdout) as Array<Record<string, unknown>>
  t.alike(listed.map((s) => [s.name, s.every, s.ref, s.tags, s.lastRun]), [['repo-main-1d', '1d', 'main', ['a', 'b'], null], ['weekly', '9d', 'main', [], null]])
  t.ok(/^repo-main-1d every 1d main \S+ profile default \[a,b\] last never next \S+Z$/.test(cairn(home, 'schedule', 'list').stdout.split('\n')[0] ?? ''), 'a line per schedule')

  const unknown = cairn(home, 'schedule', 'remove', 'nightly')
  t.is(unknown.status, 4, 'not found')
  t.ok(unknown.stderr.startsWith('cairn: SCHEDULE_UNKNOWN: no schedule named nightly'), unknown.stderr)
  const removed = cairn(home, 'schedule', 'remove', 'repo-main-1d')
  t.is(removed.stdout.trim(), 'schedule repo-main-1d removed; its jobs and results stay')

  // The daemon submits the remaining schedule's first period at once, and records it.
  const daemon = cairnChild(t, home, 'start', '--http', 'off')
  await daemon.waitFor(/^schedule 1 schedule\(s\) in /)
  const posted = await daemon.waitFor(/^schedule weekly: job ([0-9a-f]{12}) posted for main at [0-9a-f]{12}$/)
  await killed(daemon.child, 'SIGTERM')
  const after = JSON.parse(cairn(home, 'schedule', 'list', '--json').stdout) as Array<{ lastRun: string | null }>
  t.ok(after[0]?.lastRun !== null, 'its last run recorded')
  t.ok(cairn(home, 'job', 'list').stdout.startsWith(posted[1] as string), 'the job is on the node')
})
