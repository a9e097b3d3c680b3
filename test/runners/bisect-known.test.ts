// What a bisect knows of each commit is read from the template's own jobs
// and their results' rows (issue 12: memory by what a command does, not by
// the history): among many other results, only the template's are decoded.
import test from 'brittle'
import { createHash } from 'node:crypto'
import type { IndexedEvent } from '../../node/views/views.js'
import type { BodyOf, EventType } from '../../protocol/schemas.js'
import { knownRuns } from '../../runners/bisect-steps.js'
import type { JobTemplate } from '../../runners/bisect-steps.js'
import { applyEvent, memoryViews } from '../helpers/views.js'

const hex = (s: string): string => createHash('sha256').update(s).digest('hex')
const ROOT = hex('root')
const STRANGER = hex('stranger')
const OTHERS = 60

test('bisect: the runs known of each commit come from the template\'s jobs and their results only', (t) => {
  const views = memoryViews(ROOT)
  let seq = 0
  const add = (type: EventType, author: string, body: unknown): string => {
    const id = hex(`${type} ${seq}`)
    applyEvent(views, { id, type, author, ts: 1000 + seq, refs: [], body, feed: author, seq: seq++ } as unknown as IndexedEvent)
    return id
  }
  const template: JobTemplate = { project: 'linux', repo: 'r', recipe: { run: 'make check' }, profile: 'quick', tags: ['x86'], priority: 0 }
  const job = (base: string, extra: Partial<BodyOf<'job.request'>> = {}): string => add('job.request', ROOT, { ...template, base, ...extra })
  const result = (author: string, jobId: string, testRun: string, verdict: BodyOf<'result'>['verdict'], status: 'pass' | 'fail' = 'pass'): string =>
    add('result', author, { job: jobId, build: 'b', testRun, verdict, tests: [{ name: 'boot', status }], logs: [], environment: {} })

  // Other results: another profile, another recipe, a series job, the same test's runs nobody trusts.
  const others = [job('c1', { profile: 'full' }), job('c1', { recipe: { run: 'make' } }), job('c1', { revision: hex('revision') })]
  for (let i = 0; i < OTHERS; i++) result(ROOT, others[i % 3] as string, `other-${i}`, 'pass')
  const good = job('c1')
  const bad = job('c2', { repo: 'elsewhere' }) // the repo may be named differently elsewhere
  const good1 = result(ROOT, good, 'run-c1', 'pass')
  result(STRANGER, good, 'run-c1-stranger', 'fail', 'fail')
  const bad1 = result(ROOT, bad, 'run-c2', 'fail', 'fail')
  const bad2 = result(ROOT, job('c2', { priority: 1 }), 'run-c2', 'fail', 'fail') // a second job of the same identity: one more run
  const early = result(ROOT, job('c3'), '', 'error') // failed before an identity: counted directly
  result(ROOT, job('c4'), 'run-c4', 'aborted')

  const before = views.decoded.get('result') ?? 0
  const known = knownRuns(views, template, 'boot')
  const decoded = (views.decoded.get('result') ?? 0) - before
  t.ok(decoded <= 4, `${decoded} results decoded: the runs of the template's commits, none of the ${OTHERS} others`)
  t.alike([...known.keys()], ['c1', 'c2', 'c3'], 'the commits tested, in the order of their first run')
  t.alike(known.get('c1')?.runs, [{ result: good1, outcome: 'good' }], 'a stranger\'s run does not count')
  t.alike(known.get('c2')?.runs, [{ result: bad1, outcome: 'bad' }, { result: bad2, outcome: 'bad' }])
  t.is(known.get('c2')?.settled?.outcome, 'bad')
  t.alike(known.get('c3')?.runs.map((r) => r.result), [early])
  views.close()
})
