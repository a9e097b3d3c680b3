// While `cairn start` holds the home, `cairn flow` and `cairn bisect` run in
// the daemon (POST /api/commands/:name) with the output and exit codes they
// have without one, rather than failing HOME_LOCKED.
import test from 'brittle'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { killed } from '../helpers/child.js'
import { cairn, cairnBackground, cairnChild } from '../helpers/cli.js'
import { makeBisectRepo, makeProject, until } from './fixture.js'

test('beside the daemon: cairn flow and cairn bisect run in it, print as without it, and the daemon keeps what they posted', { timeout: 240_000 }, async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const { repo, commits } = makeBisectRepo(join(dir, 'b'), { count: 8, breaksAt: 5, flakesAt: -1 })
  const home = join(dir, 'lab')
  const daemon = await cairnBackground(home, /^http\s+(\S+)/, 'start', '--name', 'lab', '--http', '127.0.0.1:0')
  t.teardown(() => killed(daemon.child))

  const flow = cairn(home, 'flow', '--repo', project.repo, '--mbox', project.fix, '--base', 'main')
  t.is(flow.status, 0, flow.stderr)
  t.ok(flow.stdout.includes('ingested ') && /series job [0-9a-f]{12}: pass \(pass 3\)/.test(flow.stdout), flow.stdout)
  t.ok(flow.stdout.includes('verdict: pass (no regression against the base; 1 fixed)'), 'the verdict, as without a daemon')
  const broken = cairn(home, 'flow', '--repo', project.repo, '--mbox', project.broken, '--base', 'main')
  t.is(broken.status, 1, 'a failing flow exits 1 through the daemon too')
  t.ok(broken.stdout.includes('verdict: fail (the series run ended apply-failed)'), broken.stdout)
  const usage = cairn(home, 'flow', '--repo', project.repo)
  t.is(usage.status, 1)
  t.ok(usage.stderr.includes('FLOW_NO_SERIES'), `the daemon's error reaches the CLI with its code: ${usage.stderr}`)

  const bisect = cairn(home, 'bisect', '--repo', repo, '--good', commits[0] as string, '--bad', 'main', '--test', 'answer')
  t.is(bisect.status, 0, bisect.stderr)
  t.ok(bisect.stdout.includes(`first bad commit: ${commits[5] as string}`), bisect.stdout)
  const id = /bisect event ([0-9a-f]{64})/.exec(bisect.stdout)?.[1] as string
  const check = cairn(home, 'bisect', 'check', id, '--json')
  t.is((JSON.parse(check.stdout) as { ok: boolean }).ok, true, 'bisect check reads the daemon\'s event beside it')

  const token = readFileSync(join(home, 'api.token'), 'utf8').trim()
  const none = await fetch(new URL('api/commands/post', daemon.match[1]), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"argv":[]}' })
  t.is(none.status, 404, 'only the commands the daemon names run there')
  const odd = await fetch(new URL('api/commands/flow', daemon.match[1]), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"argv":["--nope"]}' })
  t.ok((await odd.text()).includes('"error":"USAGE"'), 'argv is parsed again against the spec in the daemon')
  for (const bad of ['{"argv":5}', '{"argv":[1]}', '{"argv":[],"x":1}', '[]', '{}']) {
    const refused = await fetch(new URL('api/commands/flow', daemon.match[1]), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: bad })
    t.is(refused.status, 400, `${bad} is refused, not coerced`)
    t.is(((await refused.json()) as { error: string }).error, 'SCHEMA')
  }
  const anon = await fetch(new URL('api/commands/flow', daemon.match[1]), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"argv":[]}' })
  t.is(anon.status, 401, 'a token is needed')

  await killed(daemon.child, 'SIGTERM')
  t.is(daemon.child.exitCode, 0)
  const jobs = JSON.parse(cairn(home, 'job', 'list', '--json').stdout) as unknown[]
  t.ok(jobs.length >= 6, `the daemon's feed holds the jobs (${jobs.length})`)
})

test('beside the daemon: Ctrl-C on cairn flow hangs up, and the daemon stops the flow and its runner (the running job is aborted)', { timeout: 120_000 }, async (t) => {
  const dir = await t.tmp()
  const go = join(dir, 'go') // never made: the suite waits until the runner kills it
  const project = makeProject(dir, { script: `while [ ! -e ${go} ]; do sleep 0.1; done\necho 1..0\n` })
  const home = join(dir, 'lab')
  const daemon = await cairnBackground(home, /^http\s+(\S+)/, 'start', '--name', 'lab', '--http', '127.0.0.1:0')
  t.teardown(() => killed(daemon.child))
  const flow = cairnChild(t, home, 'flow', '--repo', project.repo, '--mbox', project.fix, '--base', 'main')
  const claimed = await flow.waitFor(/job ([0-9a-f]{12}): claimed/)
  flow.child.kill('SIGINT')
  t.is(await flow.exited, 1)
  t.ok(flow.lines.some((l) => l.startsWith('stderr: cairn: flow interrupted: the daemon stops it there')), flow.lines.join('\n'))
  const state = (): string | undefined => (JSON.parse(cairn(home, 'job', 'list', '--json').stdout) as Array<{ id: string, state: string }>).find((j) => j.id.startsWith(claimed[1] as string))?.state
  await until('the claimed job aborted by the daemon\'s runner as it stops', () => state() === 'aborted')
  t.pass('the job the flow was running is aborted')
})
