import test from 'brittle'
import { join } from 'node:path'
import { CairnNode } from '../../node/node.js'
import type { Outcome } from '../../protocol/history.js'
import { byRelease, compareReleases } from '../../node/views/history-order.js'
import { cairn } from '../helpers/cli.js'

test('history-order: releases in version order, a release candidate before its release', (t) => {
  const sorted = ['v7.0', 'v6.10', 'v6.9', 'v7.0-rc2', 'v7.0-rc10', 'v7.1', 'main'].sort(compareReleases)
  t.alike(sorted, ['main', 'v6.9', 'v6.10', 'v7.0-rc2', 'v7.0-rc10', 'v7.0', 'v7.1'])
})

test('history-order: points by release, run time breaking ties; a commit takes the ref another run named; changes marked in release order', (t) => {
  const p = (id: string, ts: number, ref: string | null, base: string | null, outcome: Outcome) => ({ id, ts, ref, base, outcome, changedFrom: null, previous: null })
  // Run times out of release order: v7.1 was tested first, v7.0 last.
  const points = [
    p('a', 1, 'v7.1', 'c71', 'fail'),
    p('b', 2, 'v6.9', 'c69', 'pass'),
    p('c', 3, null, 'c71', 'fail'), // a series on v7.1's commit, ref not named
    p('d', 4, null, null, 'pass'), // nothing known: last
    p('e', 5, 'v7.0', 'c70', 'pass')
  ]
  const h = byRelease({ points, counts: { pass: 3, fail: 2, skip: 0, missing: 0 } })
  t.alike(h.points.map((x) => [x.id, x.release]), [['b', 'v6.9'], ['e', 'v7.0'], ['a', 'v7.1'], ['c', 'v7.1'], ['d', null]])
  t.alike(h.points.map((x) => x.changedFrom), [null, null, 'pass', null, 'fail'], 'v7.1 broke it (was pass at v7.0)')
  t.alike(h.points.map((x) => x.previous), [null, 'b', 'e', 'a', 'c'])
  t.alike(h.counts, { pass: 3, fail: 2, skip: 0, missing: 0 })
})

test('CLI: cairn history TEST by release; a suite name draws the suite; an unknown name is NOT_FOUND', async (t) => {
  const home = join(await t.tmp(), 'lab')
  const node = await CairnNode.init(home, 'lab')
  const tests = (status: 'pass' | 'fail') => [{ name: 'net/t1', status }, { name: 'net/t2', status: 'pass' as const }]
  // Tested out of release order: v7.0 first, then v6.9, then v6.10.
  for (const [ref, status] of [['v7.0', 'fail'], ['v6.9', 'pass'], ['v6.10', 'pass']] as const) {
    const job = await node.post('job.request', { project: 'p', repo: '/r', base: ref.replace(/\W/g, '').padEnd(40, '0'), ref, recipe: {}, profile: 'default', tags: [], priority: 0 })
    await node.post('result', { job: job.id, build: `b-${ref}`, testRun: `r-${ref}`, verdict: status, tests: tests(status), logs: [], environment: {} })
  }
  await node.close()
  const text = cairn(home, 'history', 'net/t1')
  t.is(text.status, 0, text.stderr)
  const lines = text.stdout.trim().split('\n')
  t.ok(lines[0]?.startsWith('test net/t1, by release, oldest first: pass 2, fail 1'), lines[0])
  t.alike(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2)), [['v6.9', 'pass'], ['v6.10', 'pass'], ['v7.0', 'fail']])
  t.ok(lines[3]?.includes('(was pass)'), 'v7.0 broke it')
  const json = JSON.parse(cairn(home, 'history', 'net/t1', '--json', '--order', 'time').stdout) as { points: Array<{ ref: string }> }
  t.alike(json.points.map((p) => p.ref), ['v7.0', 'v6.9', 'v6.10'], '--order time: as they ran')
  const suite = cairn(home, 'history', 'net')
  t.ok(suite.stdout.startsWith('suite net, by release') && suite.stdout.includes('fail (1 failing of 2)'), suite.stdout)
  const none = cairn(home, 'history', 'nope')
  t.is(none.status, 4)
  t.ok(none.stderr.includes('NOT_FOUND') && none.stderr.includes('nope'), none.stderr)
})
