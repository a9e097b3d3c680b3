/**
 * What `GET /metrics` says about a node, its runners and their jobs, read
 * from the views at scrape time: events by type, feeds and peers, jobs by
 * state (and those a launch gate holds back), each runner's jobs, results
 * by verdict, and how long runs took from claim to result.
 */
import type { CairnNode } from '../node.js'
import { jobAnswers, listJobs } from '../views/jobs.js'
import { allResults } from '../views/results.js'
import type { Family, Sample } from './openmetrics.js'

/** Count by a key, as samples with that label. */
function counted (keys: Iterable<Record<string, string>>, suffix?: string): Sample[] {
  const counts = new Map<string, { labels: Record<string, string>, value: number }>()
  for (const labels of keys) {
    const id = JSON.stringify(labels)
    const c = counts.get(id)
    if (c === undefined) counts.set(id, { labels, value: 1 })
    else c.value++
  }
  return [...counts.values()].sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels))).map((c) => ({ ...(suffix === undefined ? {} : { suffix }), ...c }))
}

function jobFamilies (node: CairnNode, now: number): Family[] {
  const jobs = listJobs(node.views, now)
  const runs = new Map<string, { sum: number, count: number, last: number }>()
  for (const r of allResults(node.views)) {
    if (r.body.job === undefined) continue
    const claim = jobAnswers(node.views, r.body.job).find((e) => e.type === 'job.claim' && e.author === r.author)
    const run = runs.get(r.author) ?? { sum: 0, count: 0, last: 0 }
    if (claim !== undefined && r.body.verdict !== 'reused') { run.sum += Math.max(0, r.ts - claim.ts) / 1000; run.count++ }
    run.last = Math.max(run.last, r.ts / 1000)
    runs.set(r.author, run)
  }
  const byRunner = [...runs.entries()].sort(([a], [b]) => a.localeCompare(b))
  return [
    { name: 'cairn_jobs', type: 'gauge', help: 'Jobs this node knows, by state', samples: counted(jobs.map((j) => ({ state: j.state }))) },
    { name: 'cairn_jobs_waiting', type: 'gauge', help: 'Queued jobs a runner\'s launch gate holds back', samples: [{ value: jobs.filter((j) => j.waiting !== null).length }] },
    { name: 'cairn_runner_jobs', type: 'gauge', help: 'Jobs by the runner that holds or ran them, and state', samples: counted(jobs.filter((j) => j.runner !== null).map((j) => ({ runner: j.runner as string, state: j.state }))) },
    { name: 'cairn_results', type: 'counter', help: 'Results published, by runner and verdict', samples: counted(allResults(node.views).map((r) => ({ runner: r.author, verdict: r.body.verdict })), '_total') },
    {
      name: 'cairn_job_run_seconds',
      type: 'summary',
      unit: 'seconds',
      help: 'Time from a runner\'s first claim of a job to its result (reused results aside)',
      samples: byRunner.flatMap(([runner, r]) => [{ suffix: '_sum', labels: { runner }, value: r.sum }, { suffix: '_count', labels: { runner }, value: r.count }])
    },
    { name: 'cairn_runner_last_result_timestamp_seconds', type: 'gauge', unit: 'seconds', help: 'When each runner last published a result (its clock)', samples: byRunner.map(([runner, r]) => ({ labels: { runner }, value: r.last })) }
  ]
}

export function nodeMetrics (node: CairnNode, peers: number, now = Date.now()): Family[] {
  const status = node.status()
  return [
    { name: 'cairn_node', type: 'info', help: 'This node', samples: [{ suffix: '_info', labels: { identity: node.identityKey, name: node.name }, value: 1 }] },
    { name: 'cairn_events', type: 'gauge', help: 'Events in this node\'s views, by type', samples: Object.entries(node.views.countsByType()).map(([type, n]) => ({ labels: { type }, value: n })) },
    { name: 'cairn_rejected_events', type: 'gauge', help: 'Events refused by the indexer', samples: [{ value: status.rejected }] },
    { name: 'cairn_feeds', type: 'gauge', help: 'Feeds this node carries, by kind', samples: counted(status.feeds.map((f) => ({ kind: f.kind }))) },
    { name: 'cairn_peers', type: 'gauge', help: 'Connected replication peers', samples: [{ value: peers }] },
    ...jobFamilies(node, now)
  ]
}
