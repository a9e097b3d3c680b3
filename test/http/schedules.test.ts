// The schedules over HTTP: GET /api/schedules lists the CI configuration's
// (read-only) and the home's with their last and next run; POST adds one
// checked as cairn schedule add checks it (token, shape, interval, time of
// day, ref); DELETE removes one of the home's, never a ci.yaml one. And
// what --at means: periods that start at a UTC time of day.
import test from 'brittle'
import { makeSchedule } from '../../node/cli/schedule-make.js'
import { createHttpApp } from '../../node/http/server.js'
import { isDue, nextDue } from '../../node/storage/schedules.js'
import type { Schedule } from '../../node/storage/schedules.js'
import { createNode } from '../helpers/nodes.js'
import { makeProject } from '../runners/fixture.js'

const DAY = 86_400_000
const TOKEN = 'x'.repeat(64)

test('a schedule --at 02:00 starts its periods at 02:00 UTC, the first the next one after its creation', (t) => {
  const midnight = Date.UTC(2026, 11, 5)
  const s: Schedule = { name: 'nightly', everyMs: DAY, repo: '/r', ref: 'main', recipe: null, profile: 'default', tags: [], created: midnight + 13 * 3_600_000, at: 120 }
  t.absent(isDue('/nonexistent', s, s.created), 'not at once: before the first 02:00')
  t.is(nextDue(s, s.created), midnight + DAY + 2 * 3_600_000, 'next: tomorrow 02:00')
  t.ok(isDue('/nonexistent', s, midnight + DAY + 2 * 3_600_000), 'due at 02:00')
  t.is(nextDue(s, midnight + DAY + 3 * 3_600_000), midnight + 2 * DAY + 2 * 3_600_000, 'then every day at 02:00')
  const early = { ...s, created: midnight + 3_600_000 }
  t.is(nextDue(early, early.created), midnight + 2 * 3_600_000, 'made at 01:00: the first is today at 02:00')
})

test('GET, POST and DELETE /api/schedules', async (t) => {
  const { node } = await createNode(t, 'lab')
  const project = makeProject(await t.tmp())
  const fixed: Schedule[] = [{ name: 'ci/nightly', everyMs: DAY, repo: project.repo, ref: 'main', recipe: null, profile: 'default', tags: [], created: 0, at: 120 }]
  const app = createHttpApp(node, { token: TOKEN, schedules: { fixed, make: makeSchedule } })
  t.teardown(() => app.close())
  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, token: string | null = TOKEN): Promise<{ status: number, body: any }> => {
    const res = await app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: token === null ? {} : { authorization: `Bearer ${token}` } })
    return { status: res.statusCode, body: res.json() }
  }
  const listed = await call('GET', '/api/schedules', undefined, null)
  t.alike(listed.body.schedules.map((s: any) => [s.name, s.source, s.readOnly, s.every, s.at]), [['ci/nightly', 'ci', true, '1d', '02:00']], 'reads need no token')

  t.is((await call('POST', '/api/schedules', { every: '1d', repo: project.repo, ref: 'main' }, null)).status, 401, 'a write needs the token')
  const bad = async (payload: unknown): Promise<[number, string, string]> => {
    const r = await call('POST', '/api/schedules', payload)
    return [r.status, r.body.error, r.body.message]
  }
  t.alike(await bad([1]), [400, 'BAD_SCHEDULE', 'body: expected a JSON object {"every", "repo", "ref", "recipe"?, "profile"?, "tags"?, "name"?, "at"?}'])
  t.alike(await bad({ every: '1d', repo: project.repo }), [400, 'BAD_SCHEDULE', 'ref: missing'])
  t.alike(await bad({ every: '1d', repo: project.repo, ref: 'main', when: 'now' }), [400, 'BAD_SCHEDULE', 'when: not a field of a schedule (every, repo, ref, recipe, profile, tags, name, at)'])
  t.alike(await bad({ every: 1, repo: project.repo, ref: 'main' }), [400, 'BAD_SCHEDULE', 'every: expected a string'])
  t.alike(await bad({ every: '1x', repo: project.repo, ref: 'main' }), [400, 'BAD_INTERVAL', '--every "1x" is not an interval of at least a minute such as 1d, 12h, 1w or 30m'])
  t.alike(await bad({ every: '1d', repo: project.repo, ref: 'main', at: '2am' }), [400, 'BAD_SCHEDULE_AT', '--at "2am" is not a UTC time of day HH:MM such as 02:00'])
  t.alike(await bad({ every: '12h', repo: project.repo, ref: 'main', at: '02:00' }), [400, 'BAD_SCHEDULE_AT', '--at needs an --every of whole days (1d, 2d, 1w): a time of day has no meaning for shorter periods'])
  const [status, code, message] = await bad({ every: '1d', repo: project.repo, ref: 'no-such-branch' })
  t.ok(status === 400 && code === 'BAD_SCHEDULE' && message.startsWith('BASE: "no-such-branch" is not a commit of'), `a ref that does not resolve: ${message}`)

  const added = await call('POST', '/api/schedules', { every: '1w', repo: project.repo, ref: 'main', at: '03:30', tags: ['b', 'a'], name: 'weekly' })
  t.is(added.status, 201, added.body.message)
  t.alike([added.body.schedule.name, added.body.schedule.at, added.body.schedule.tags, added.body.schedule.lastRun], ['weekly', '03:30', ['a', 'b'], null])
  t.ok(added.body.schedule.nextRun.endsWith('T03:30:00.000Z'), added.body.schedule.nextRun)
  t.is((await call('POST', '/api/schedules', { every: '1d', repo: project.repo, ref: 'main', name: 'weekly' })).body.error, 'SCHEDULE_EXISTS')
  t.alike((await call('GET', '/api/schedules')).body.schedules.map((s: any) => s.name), ['ci/nightly', 'weekly'])

  t.alike([(await call('DELETE', '/api/schedules/ci%2Fnightly')).status, (await call('DELETE', '/api/schedules/ci%2Fnightly')).body.error], [409, 'SCHEDULE_READ_ONLY'], 'a ci.yaml schedule is read-only')
  t.is((await call('DELETE', '/api/schedules/weekly', undefined, null)).status, 401)
  t.alike([(await call('DELETE', '/api/schedules/nope')).status, (await call('DELETE', '/api/schedules/nope')).body.error], [404, 'SCHEDULE_UNKNOWN'])
  t.alike((await call('DELETE', '/api/schedules/weekly')).body, { removed: 'weekly' })
  t.is((await call('GET', '/api/schedules')).body.total, 1)
})
