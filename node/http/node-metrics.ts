/**
 * What `GET /metrics` says about a node, its runners and their jobs, read
 * from the views at scrape time: events by type, feeds and peers, jobs by
 * state (and those a launch gate holds back), each runner's jobs, results
 * by verdict, and how long runs took from claim to result.
 */
import type { CairnNode } from '../node.js'
import { jobView, trustedRunners } from '../views/jobs.js'
import type { JobView } from '../views/jobs.js'
import type { Family, Sample } from './openmetrics.js'

/** Samples in their labels' order (as JSON). */
function sortedByLabels (samples: Sample[]): Sample[] {
  return samples.sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)))
}

/** Counts by a key, added one at a time, as samples with that label. */
class Tally {
  private readonly counts = new Map<string, { labels: Record<string, string>, value: number }>()

  add (labels: Record<string, string>, n = 1): void {
    const id = JSON.stringify(labels)
    const c = this.counts.get(id)
    if (c === undefined) this.counts.set(id, { labels, value: n })
    else c.value += n
  }

  samples (): Sample[] {
    return sortedByLabels([...this.counts.values()])
  }
}

/** Count by a key, as samples with that label. */
function counted (keys: Iterable<Record<string, string>>): Sample[] {
  const tally = new Tally()
  for (const labels of keys) tally.add(labels)
  return tally.samples()
}

function jobFamilies (node: CairnNode, now: number): Family[] {
  const views = node.views
  // A job a trusted runner's result settled is done or failed for good: those are counted from the results' rows,
  // by the runner whose result settled them; only the open jobs are folded, one at a time.
  const byState = new Tally()
  const byRunner = new Tally()
  let waiting = 0
  for (const s of views.read(() => views.settledJobCounts(trustedRunners(views)))) {
    byState.add({ state: s.state }, s.n)
    byRunner.add({ runner: s.runner, state: s.state }, s.n)
  }
  for (const request of views.read(() => views.unsettledJobs(trustedRunners(views)))) {
    const j = jobView(views, request.id, now) as JobView
    byState.add({ state: j.state })
    if (j.runner !== null) byRunner.add({ runner: j.runner, state: j.state })
    if (j.waiting !== null) waiting++
  }
  // Results are counted and timed in the file, from their rows: no result body (thousands of tests each) is read.
  const results = views.read(() => views.resultRows.countsByAuthor())
  const runs = views.read(() => views.resultRows.runTimes()).sort((a, b) => a.author.localeCompare(b.author))
  return [
    { name: 'cairn_jobs', type: 'gauge', help: 'Jobs this node knows, by state', samples: byState.samples() },
    { name: 'cairn_jobs_waiting', type: 'gauge', help: 'Queued jobs a runner\'s launch gate holds back', samples: [{ value: waiting }] },
    { name: 'cairn_runner_jobs', type: 'gauge', help: 'Jobs by the runner that holds them or whose result settled them, and state', samples: byRunner.samples() },
    { name: 'cairn_results', type: 'counter', help: 'Results published, by runner and verdict', samples: sortedByLabels(results.map((r) => ({ suffix: '_total', labels: { runner: r.author, verdict: r.verdict }, value: r.n }))) },
    {
      name: 'cairn_job_run_seconds',
      type: 'summary',
      unit: 'seconds',
      help: 'Time from a runner\'s first claim of a job to its result (reused results aside)',
      samples: runs.flatMap((r) => [{ suffix: '_sum', labels: { runner: r.author }, value: r.sum / 1000 }, { suffix: '_count', labels: { runner: r.author }, value: r.count }])
    },
    { name: 'cairn_runner_last_result_timestamp_seconds', type: 'gauge', unit: 'seconds', help: 'When each runner last published a result (its clock)', samples: runs.map((r) => ({ labels: { runner: r.author }, value: Math.max(0, r.last / 1000) })) }
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
