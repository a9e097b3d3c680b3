import test from 'brittle'
import { initialTransition, transition } from 'xstate'
import { foldJob, jobLifecycle } from '../../machines/job-lifecycle.js'
import type { JobEvent } from '../../machines/job-lifecycle.js'
import { actor, cast, World } from './fixtures.js'

const JOB = 'j'.repeat(64).replace(/j/g, 'a')
const R1 = '1'.repeat(64)
const R2 = '2'.repeat(64)

function walk (events: JobEvent[], runners: string[] | null = null): Array<[unknown, Array<[string, unknown]>]> {
  let [s] = initialTransition(jobLifecycle, { job: JOB, runners })
  return events.map((e) => {
    const [next, actions] = transition(jobLifecycle, s, e)
    s = next
    return [next.value, actions.map((a) => [a.type, a.params] as [string, unknown])]
  })
}

test('jobLifecycle transition(): queued -> claimed -> running -> done, with intents', t => {
  t.alike(walk([
    { type: 'claim', runner: R1, leaseUntil: 2000, at: 1000 },
    { type: 'progress', runner: R1, step: 'build', state: 'running', at: 1100 },
    { type: 'progress', runner: R1, step: 'test', state: 'running', at: 1200 },
    { type: 'result', runner: R1, verdict: 'pass', at: 1300 }
  ]), [
    [{ leased: 'claimed' }, [['leaseGranted', { job: JOB, runner: R1, leaseUntil: 2000 }]]],
    [{ leased: 'running' }, []],
    [{ leased: 'running' }, []],
    ['done', [['finished', { job: JOB, verdict: 'pass' }]]]
  ])
})

test('jobLifecycle transition(): lease expiry puts the job back in the queue, another runner takes it', t => {
  const steps = walk([
    { type: 'claim', runner: R1, leaseUntil: 2000, at: 1000 },
    { type: 'tick', now: 1999 },
    { type: 'claim', runner: R2, leaseUntil: 3000, at: 1999 },
    { type: 'tick', now: 2000 },
    { type: 'claim', runner: R2, leaseUntil: 3000, at: 2001 },
    { type: 'result', runner: R2, verdict: 'fail', at: 2500 }
  ])
  t.alike(steps.map(([v]) => v), [{ leased: 'claimed' }, { leased: 'claimed' }, { leased: 'claimed' }, 'queued', { leased: 'claimed' }, 'failed'])
  t.alike(steps[1]?.[1], [], 'before the lease ends nothing happens')
  t.alike(steps[2]?.[1], [['claimRejected', { job: JOB, runner: R2, holder: R1 }]], 'a second claim during the lease is refused')
  t.alike(steps[3]?.[1], [['leaseExpired', { job: JOB, runner: R1 }]])
  t.alike(steps[4]?.[1], [['leaseGranted', { job: JOB, runner: R2, leaseUntil: 3000 }]])
})

test('jobLifecycle transition(): the claimant renews; a claim after expiry takes over even without a tick', t => {
  const steps = walk([
    { type: 'claim', runner: R1, leaseUntil: 2000, at: 1000 },
    { type: 'claim', runner: R1, leaseUntil: 4000, at: 1500 },
    { type: 'tick', now: 3000 },
    { type: 'claim', runner: R2, leaseUntil: 9000, at: 4000 }
  ])
  t.alike(steps.map(([v]) => v), [{ leased: 'claimed' }, { leased: 'claimed' }, { leased: 'claimed' }, { leased: 'claimed' }])
  t.alike(steps[1]?.[1], [['leaseGranted', { job: JOB, runner: R1, leaseUntil: 4000 }]])
  t.alike(steps[3]?.[1], [['leaseExpired', { job: JOB, runner: R1 }], ['leaseGranted', { job: JOB, runner: R2, leaseUntil: 9000 }]])
})

test('jobLifecycle transition(): untrusted runners cannot claim; aborted jobs can be claimed again', t => {
  const steps = walk([
    { type: 'claim', runner: R2, leaseUntil: 2000, at: 1000 },
    { type: 'claim', runner: R1, leaseUntil: 2000, at: 1000 },
    { type: 'progress', runner: R2, step: 'x', state: 'running', at: 1001 },
    { type: 'result', runner: R1, verdict: 'aborted', at: 1100 },
    { type: 'claim', runner: R1, leaseUntil: 5000, at: 1200 }
  ], [R1])
  t.alike(steps.map(([v]) => v), ['queued', { leased: 'claimed' }, { leased: 'claimed' }, 'aborted', { leased: 'claimed' }])
})

test('foldJob() replays signed job events with the clock as an input', t => {
  const w = new World()
  const p = cast(w)
  const rev = w.revision(p.dev)
  const job = w.job(p.carol, rev, 'quick')
  const other = actor('Second Runner', 'second@example.org')
  const t0 = w.clock
  w.emit(p.runner, 'job.claim', { job: job.id, runner: p.runner.key, leaseUntil: t0 + 60_000 }, { ts: t0 + 1000 })
  w.emit(p.runner, 'job.progress', { job: job.id, step: 'build', state: 'running' }, { ts: t0 + 2000 })
  const runners = [p.runner.key, other.key]
  t.alike(foldJob(job.id, w.events, t0 + 30_000, { runners }).state, 'running')
  const expired = foldJob(job.id, w.events, t0 + 61_000, { runners })
  t.is(expired.state, 'queued', 'the lease ran out at now')
  t.alike(expired.expired, [p.runner.key])
  // A forged claim naming another runner than its author is ignored.
  w.emit(p.mallory, 'job.claim', { job: job.id, runner: other.key, leaseUntil: t0 + 200_000 }, { ts: t0 + 62_000 })
  t.is(foldJob(job.id, w.events, t0 + 63_000, { runners }).state, 'queued')
  w.emit(other, 'job.claim', { job: job.id, runner: other.key, leaseUntil: t0 + 200_000 }, { ts: t0 + 62_000 })
  const taken = foldJob(job.id, w.events, t0 + 63_000, { runners })
  t.is(taken.state, 'claimed')
  t.is(taken.runner, other.key)
  t.is(taken.attempts, 2)
  w.result(other, job, 'pass', 'b', { ts: t0 + 90_000 })
  const done = foldJob(job.id, w.events, t0 + 10_000_000, { runners })
  t.is(done.state, 'done')
  t.is(done.verdict, 'pass')
  t.alike(foldJob(job.id, [...w.events].reverse(), t0 + 10_000_000, { runners }), done, 'arrival order does not matter')
  // done is final: a later result of a trusted runner (a second run, an abort) changes nothing.
  w.result(p.runner, job, 'fail', 'b', { ts: t0 + 95_000 })
  w.result(other, job, 'aborted', 'b', { ts: t0 + 96_000 })
  t.alike(foldJob(job.id, w.events, t0 + 10_000_000, { runners }), done, 'the first result that settles the job stands')
})
