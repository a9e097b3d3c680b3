import test from 'brittle'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCiConfig } from '../../machines/ci-config.js'
import { scheduleActions } from '../../node/cli/daemon-actions.js'
import { Scheduler } from '../../node/daemon/scheduler.js'
import type { Clock, ScheduleOutcome } from '../../node/daemon/scheduler.js'
import { addSchedule, removeSchedule } from '../../node/storage/schedules.js'
import { listJobs } from '../../node/views/jobs.js'
import { allResults } from '../helpers/views.js'
import { createNode } from '../helpers/nodes.js'
import { git, makeProject, settled, startRunner, until } from '../runners/fixture.js'

const DAY = 86_400_000

/** A clock that moves only when the test says: `advance` sets the time and fires what `every` registered. */
function testClock (start: number): Clock & { advance: (ms: number) => void } {
  let now = start
  const fns = new Set<() => void>()
  return {
    now: () => now,
    every: (_ms, fn) => { fns.add(fn); return () => fns.delete(fn) },
    advance: (ms) => { now += ms; for (const fn of fns) fn() }
  }
}

test('scheduler: a nightly baseline of an unchanged ref runs once across due times and a restart; a new commit on the ref runs again', async (t) => {
  const { node } = await createNode(t, 'lab')
  const project = makeProject(await t.tmp())
  await startRunner(t, node)
  const clock = testClock(Date.now())
  addSchedule(node.paths.dir, { name: 'nightly', everyMs: DAY, repo: project.repo, ref: 'main', recipe: null, profile: 'default', tags: [], created: clock.now() })
  const outcomes: ScheduleOutcome[] = []
  const lines: string[] = []
  const warnings: string[] = []
  const daemon = (): Scheduler => new Scheduler(node, { ...scheduleActions(null), clock, out: (l) => lines.push(l), warn: (m) => warnings.push(m), onOutcome: (o) => outcomes.push(o) })

  let scheduler = daemon()
  scheduler.start()
  await scheduler.tick()
  const first = outcomes[0]
  t.ok(first !== undefined && 'posted' in first, `the first period posts its job at once (${JSON.stringify(first)})`)
  if (first === undefined || !('posted' in first)) return
  const result = await until('the scheduled job\'s result', () => settled(node, first.posted))
  t.not(result.body.verdict, 'reused', 'it ran')

  clock.advance(DAY)
  await scheduler.tick()
  t.is(outcomes.length, 2, 'the second period was handled once')
  t.alike(outcomes[1], { schedule: 'nightly', existing: first.posted, state: 'failed' }, 'main unchanged: the job that has a result (its test 2 fails) stands, nothing posted')
  await scheduler.tick()
  t.is(outcomes.length, 2, 'another tick in the same period does nothing')

  // The daemon is down for three periods, then starts again: one pass, not three.
  await scheduler.stop()
  clock.advance(3 * DAY)
  scheduler = daemon()
  scheduler.start()
  await scheduler.tick()
  t.is(outcomes.length, 3, 'missed periods are handled once on start')
  t.is((outcomes[2] as { existing?: string }).existing, first.posted, 'still nothing to run')

  writeFileSync(join(project.repo, 'value'), '42\n')
  git(project.repo, 'commit', '-q', '-am', 'value: the fix lands on main')
  clock.advance(DAY)
  await scheduler.tick()
  const fourth = outcomes[3]
  t.ok(fourth !== undefined && 'posted' in fourth, 'a new commit on main: a new job')
  if (fourth === undefined || !('posted' in fourth)) return
  const second = await until('the second job\'s result', () => settled(node, fourth.posted))
  t.is(second.body.verdict, 'pass', 'the new commit was run (the fix passes)')
  t.is(listJobs(node.views, clock.now()).length, 2, 'two jobs in six periods')
  t.is(allResults(node.views).filter((r) => r.body.verdict !== 'reused').length, 2, 'two runs')

  removeSchedule(node.paths.dir, 'nightly')
  clock.advance(DAY)
  await scheduler.tick()
  t.is(outcomes.length, 4, 'a removed schedule submits nothing')
  await scheduler.stop()
  t.alike(warnings, [], 'no warnings')
  t.ok(lines.some((l) => /^schedule nightly: main at [0-9a-f]{12} unchanged, job [0-9a-f]{12} \(failed\) stands$/.test(l)), lines.join('\n'))
})

test('scheduler: a schedule whose job cannot be built says why once per period, and posts nothing', async (t) => {
  const { node } = await createNode(t, 'lab')
  const project = makeProject(await t.tmp())
  const clock = testClock(Date.now())
  addSchedule(node.paths.dir, { name: 'gone', everyMs: DAY, repo: project.repo, ref: 'no-such-branch', recipe: null, profile: 'default', tags: [], created: clock.now() })
  const outcomes: ScheduleOutcome[] = []
  const warnings: string[] = []
  const scheduler = new Scheduler(node, { ...scheduleActions(null), clock, out: () => {}, warn: (m) => warnings.push(m), onOutcome: (o) => outcomes.push(o) })
  scheduler.start()
  await scheduler.tick()
  await scheduler.tick()
  await scheduler.stop()
  t.is(outcomes.length, 1, 'one attempt in the period')
  t.ok(/^schedule gone: cannot submit its job: (BASE: )?"no-such-branch" is not a commit of /.test(warnings[0] ?? ''), warnings[0])
  t.is(listJobs(node.views, clock.now()).length, 0, 'no job')
})

test('scheduler: the CI configuration\'s schedules run as ci/NAME, their periods from the epoch (1d: at 00:00 UTC)', async (t) => {
  const { node } = await createNode(t, 'lab')
  const project = makeProject(await t.tmp())
  const config = parseCiConfig(`repo: ${project.repo}\ntags: [x86_64]\nverdict: { mbox: out }\nschedules:\n  - { name: nightly, every: 1d, ref: main }\n`)
  const noon = Math.floor(Date.now() / DAY) * DAY + DAY / 2
  const clock = testClock(noon)
  const outcomes: ScheduleOutcome[] = []
  const scheduler = new Scheduler(node, { ...scheduleActions(config), clock, out: () => {}, warn: (m) => t.fail(m), onOutcome: (o) => outcomes.push(o) })
  scheduler.start()
  await scheduler.tick()
  const first = outcomes[0]
  t.ok(first !== undefined && first.schedule === 'ci/nightly' && 'posted' in first, JSON.stringify(first))
  const job = listJobs(node.views, clock.now())[0]?.request.body
  t.alike([job?.ref, job?.tags, job?.profile], ['main', ['x86_64'], 'default'], 'the configuration\'s repo and tags')
  clock.advance(DAY / 2 - 1)
  await scheduler.tick()
  t.is(outcomes.length, 1, 'nothing before midnight')
  clock.advance(1)
  await scheduler.tick()
  t.alike(outcomes[1], { schedule: 'ci/nightly', existing: (first as { posted: string }).posted, state: 'queued' }, 'due at midnight; the queued job of the same commit stands')
  await scheduler.stop()
})

test('scheduler: a repository given by URL has its ref pinned to the remote\'s commit when due, so a move is seen', async (t) => {
  const { node } = await createNode(t, 'lab')
  const project = makeProject(await t.tmp())
  const clock = testClock(Date.now())
  const url = `file://${project.repo}`
  addSchedule(node.paths.dir, { name: 'remote', everyMs: DAY, repo: url, ref: 'main', recipe: null, profile: 'default', tags: [], created: clock.now() })
  addSchedule(node.paths.dir, { name: 'nope', everyMs: DAY, repo: url, ref: 'no-such-branch', recipe: null, profile: 'default', tags: [], created: clock.now() })
  const outcomes: ScheduleOutcome[] = []
  const warnings: string[] = []
  const scheduler = new Scheduler(node, { ...scheduleActions(null), clock, out: () => {}, warn: (m) => warnings.push(m), onOutcome: (o) => outcomes.push(o) })
  scheduler.start()
  await scheduler.tick()
  const bases = (): string[] => listJobs(node.views, clock.now()).map((j) => `${j.request.body.ref ?? ''}@${j.request.body.base}`)
  t.alike(bases(), [`main@${project.main}`], 'the commit main points at, the ref kept beside it')
  t.ok(/^schedule nope: cannot submit its job: (BASE: )?"no-such-branch" is not a ref of file:/.test(warnings[0] ?? ''), warnings[0])
  clock.advance(DAY)
  await scheduler.tick()
  t.is(bases().length, 1, 'main unchanged: nothing posted')
  writeFileSync(join(project.repo, 'value'), '42\n')
  git(project.repo, 'commit', '-q', '-am', 'value: moves main')
  clock.advance(DAY)
  await scheduler.tick()
  await scheduler.stop()
  t.alike(bases(), [`main@${project.main}`, `main@${git(project.repo, 'rev-parse', 'HEAD').trim()}`], 'main moved: a job of its new commit')
})
