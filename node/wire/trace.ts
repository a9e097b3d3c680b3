/**
 * A job's timeline as Chrome trace-event JSON (what Perfetto and
 * chrome://tracing open): the request and the queue on the job's lane,
 * then per runner its claim, each step as a span from `running` to its end
 * state, other progress as instants, and the result. Times are the authors'
 * clocks, in microseconds.
 */
import type { IndexedEvent, Views } from '../views/views.js'
import { jobAnswers, jobRequest } from '../views/jobs.js'

interface TraceEvent { name: string, ph: 'X' | 'i' | 'M', ts: number, pid: 1, tid: number, dur?: number, s?: 't' | 'p', args?: Record<string, unknown> }
interface Trace { traceEvents: TraceEvent[], displayTimeUnit: 'ms', otherData: Record<string, string> }

const us = (ms: number): number => ms * 1000

/** The trace of job `id`, or null when this node does not know it. */
export function jobTrace (views: Views, id: string): Trace | null {
  const request = jobRequest(views, id)
  if (request === null) return null
  const answers = jobAnswers(views, id)
  const lanes = new Map<string, number>()
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', ts: 0, pid: 1, tid: 0, args: { name: `job ${id.slice(0, 12)}` } },
    { name: 'thread_name', ph: 'M', ts: 0, pid: 1, tid: 0, args: { name: 'job' } },
    { name: 'requested', ph: 'i', s: 'p', ts: us(request.ts), pid: 1, tid: 0, args: { author: request.author, profile: request.body.profile, repo: request.body.repo } }
  ]
  const firstClaim = answers.find((e) => e.type === 'job.claim')
  if (firstClaim !== undefined) events.push({ name: 'queued', ph: 'X', ts: us(request.ts), dur: us(Math.max(0, firstClaim.ts - request.ts)), pid: 1, tid: 0 })
  const open = new Map<string, IndexedEvent>() // runner + step -> its running progress
  const lane = (runner: string): number => {
    let tid = lanes.get(runner)
    if (tid === undefined) {
      tid = lanes.size + 1
      lanes.set(runner, tid)
      events.push({ name: 'thread_name', ph: 'M', ts: 0, pid: 1, tid, args: { name: `runner ${runner.slice(0, 12)}` } })
    }
    return tid
  }
  for (const e of answers) {
    if (e.type === 'job.claim') {
      if (!lanes.has(e.author)) events.push({ name: 'claimed', ph: 'i', s: 't', ts: us(e.ts), pid: 1, tid: lane(e.author), args: { leaseUntil: e.body.leaseUntil } })
    } else if (e.type === 'job.progress') {
      const key = `${e.author} ${e.body.step}`
      const start = open.get(key)
      if (e.body.state === 'running' && start === undefined) { open.set(key, e); continue }
      const detail = e.body.detail === undefined ? {} : { detail: e.body.detail }
      if (start !== undefined && e.body.state !== 'running') {
        open.delete(key)
        events.push({ name: e.body.step, ph: 'X', ts: us(start.ts), dur: us(Math.max(0, e.ts - start.ts)), pid: 1, tid: lane(e.author), args: { state: e.body.state, ...detail } })
      } else if (start === undefined) {
        events.push({ name: `${e.body.step} ${e.body.state}`, ph: 'i', s: 't', ts: us(e.ts), pid: 1, tid: lanes.has(e.author) ? lane(e.author) : 0, args: detail })
      }
    } else if (e.type === 'result') {
      for (const [key, start] of open) {
        if (start.author !== e.author) continue
        open.delete(key)
        events.push({ name: (start.body as { step: string }).step, ph: 'X', ts: us(start.ts), dur: us(Math.max(0, e.ts - start.ts)), pid: 1, tid: lane(e.author), args: { state: 'unfinished' } })
      }
      events.push({ name: 'result', ph: 'i', s: 't', ts: us(e.ts), pid: 1, tid: lane(e.author), args: { verdict: e.body.verdict, result: e.id } })
    }
  }
  return { traceEvents: events, displayTimeUnit: 'ms', otherData: { job: id, repo: request.body.repo, profile: request.body.profile } }
}
