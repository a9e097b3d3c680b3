// A node holding a realistic mix of events for the API latency bench: many
// series with rerolls, per-patch and whole-series reviews with trailers, a
// job per revision with its claim, progress and result, some decisions and
// notes, and a few results of 20,000 tests each (two baselines and the runs
// of a few series against them, with a handful of changed tests). Everything
// is posted by one node in large postMany batches (the fastest way in) with
// explicit timestamps spread over three months, then indexed once.
import type { CairnNode } from '../../node/node.js'
import type { CairnEvent, Draft } from '../../protocol/event.js'
import type { BlobRef, BodyOf, EventType } from '../../protocol/schemas.js'

/** Roughly how many events one revision brings: itself, 3 reviews, job, claim, 2 progress, result, 0.2 decision. */
const EVENTS_PER_REVISION = 9.2
const BATCH = 10_000
const DAY = 86_400_000
const T0 = Date.UTC(2026, 5, 1)
const LISTS = ['linux-xfs@vger.kernel.org', 'netdev@vger.kernel.org', 'linux-mm@kvack.org', 'linux-btrfs@vger.kernel.org', 'linux-ext4@vger.kernel.org']
const AREAS = ['xfs', 'net', 'mm', 'btrfs', 'ext4']
const PEOPLE = Array.from({ length: 40 }, (_, i) => ({ name: `Dev ${i}`, email: `dev${i}@example.org` }))
const APPROVALS = ['Reviewed-by', 'Acked-by', 'Tested-by']
const WORDS = 'fix handle inode buffer lock race leak cache page folio extent journal socket queue map reclaim flush'.split(' ')

export interface FillOptions {
  events: number
  /** Tests in each large result. */
  bigTests: number
  /** How many series get a large-result run (each against a large baseline). */
  bigRuns: number
}

export interface Filled {
  events: number
  series: number
  /** A revision whose page shows jobs, reviews and a large result. */
  richRevision: string
  /** A text that matches some series (for the filtered list). */
  query: string
  /** How many results of `bigTests` tests the node holds. */
  bigResults: number
  /** A baseline and a run of `bigTests` tests each, for compare. */
  baseline: string
  run: string
  /** A job whose runner can post more progress. */
  job: string
  /** Two versions of one series (v1, v2 EventIds), for the interdiff. */
  interdiff: [string, string]
}

/** A small deterministic PRNG, so every run builds the same node. */
function random (seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

type AnyDraft = Draft<EventType>
const draft = <T extends EventType>(type: T, body: BodyOf<T>, ts: number, refs: string[] = []): AnyDraft => ({ type, body, ts, refs }) as AnyDraft

/**
 * Post in time order, as a feed grows (views sort by time: a feed appended
 * out of order would make that look costlier than it is); the events come
 * back in the order of `drafts`.
 */
async function postAll (node: CairnNode, drafts: AnyDraft[]): Promise<CairnEvent[]> {
  const order = drafts.map((_, i) => i).sort((a, b) => (drafts[a]?.ts ?? 0) - (drafts[b]?.ts ?? 0))
  const posted: CairnEvent[] = []
  for (let i = 0; i < order.length; i += BATCH) posted.push(...await node.postMany(order.slice(i, i + BATCH).map((k) => drafts[k] as AnyDraft)))
  const out = new Array<CairnEvent>(drafts.length)
  order.forEach((k, i) => { out[k] = posted[i] as CairnEvent })
  return out
}

/** `n` tests of a large suite; `flip` of them (every n/flip-th) fail instead of passing. */
function bigTests (n: number, flip: number): BodyOf<'result'>['tests'] {
  const every = flip > 0 ? Math.floor(n / flip) : Infinity
  return Array.from({ length: n }, (_, i) => ({
    name: `${AREAS[i % AREAS.length] ?? ''}/suite-${i % 97}/test-${i}`,
    status: i % 50 === 7 ? 'skip' : (i + 1) % every === 0 ? 'fail' : 'pass',
    duration: (i * 37) % 9000
  }))
}

function smallTests (rand: () => number, area: string): BodyOf<'result'>['tests'] {
  const n = 20 + Math.floor(rand() * 60)
  return Array.from({ length: n }, (_, i) => ({ name: `${area}/${String(i).padStart(3, '0')}`, status: rand() < 0.03 ? 'fail' : rand() < 0.1 ? 'skip' : 'pass', duration: Math.floor(rand() * 5000) }))
}

function phrase (rand: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)] ?? '').join(' ')
}

interface Revision { series: number, version: number, ts: number, area: string, patches: number }

/** A job testing a revision, or (without one) a baseline of the base commit. */
function jobRequest (profile: string, ts: number, revision?: string): AnyDraft {
  const body = { project: 'linux', repo: 'https://git.example.org/linux.git', base: 'a'.repeat(40), recipe: { test: { run: 'make check', parser: 'tap' } }, profile, tags: ['x86_64'], priority: 0 }
  return revision === undefined ? draft('job.request', body, ts) : draft('job.request', { ...body, revision }, ts, [revision])
}

function revisionBody (rand: () => number, r: Revision, diffs: BlobRef[]): BodyOf<'series.revision'> {
  const area = r.area
  const author = PEOPLE[r.series % PEOPLE.length] as { name: string, email: string }
  const subject = `${area}: ${phrase(rand, 5)} (series ${r.series})`
  const mid = (i: number): string => `<s${r.series}-v${r.version}-${i}@example.org>`
  return {
    project: area === 'net' ? 'netdev' : 'linux',
    series: `s${r.series}-${area}`,
    version: r.version,
    subject,
    ...(r.patches > 1 ? { cover: { subject: `[PATCH v${r.version} 0/${r.patches}] ${subject}`, body: phrase(rand, 80), messageId: mid(0) } } : {}),
    base: 'a'.repeat(40),
    total: r.patches,
    patches: Array.from({ length: r.patches }, (_, i) => ({
      index: i + 1,
      subject: `${area}: ${phrase(rand, 6)}`,
      author,
      message: `${phrase(rand, 60)}\n\nSigned-off-by: ${author.name} <${author.email}>\n`,
      diff: diffs[(r.series + i) % diffs.length] as BlobRef,
      messageId: mid(i + 1),
      files: [`fs/${area}/${WORDS[i % WORDS.length] ?? ''}.c`, `include/${area}/${area}.h`],
      trailers: [{ key: 'Signed-off-by', value: `${author.name} <${author.email}>` }]
    })),
    source: { messageIds: Array.from({ length: r.patches + 1 }, (_, i) => mid(i)), list: LISTS[AREAS.indexOf(area)] ?? '' },
    changeId: `20260601-s${r.series}`,
    author,
    date: r.ts
  }
}

/** Fill `node` (its own feed) and index it. */
export async function fillApiNode (node: CairnNode, opts: FillOptions): Promise<Filled> {
  const rand = random(42)
  const diffs: BlobRef[] = []
  for (let i = 0; i < 8; i++) diffs.push(await node.blobs.put(new TextEncoder().encode(`diff --git a/f${i}.c b/f${i}.c\n--- a/f${i}.c\n+++ b/f${i}.c\n@@ -1 +1 @@\n-old ${i}\n+new ${i}\n`)))

  const revisionsWanted = Math.max(opts.bigRuns, Math.round(opts.events / EVENTS_PER_REVISION))
  const revisions: Revision[] = []
  for (let s = 0; revisions.length < revisionsWanted; s++) {
    const versions = 1 + Math.floor(rand() * 3)
    const start = T0 + Math.floor(rand() * 90 * DAY)
    const area = AREAS[s % AREAS.length] as string
    const patches = 1 + Math.floor(rand() * 8)
    for (let v = 1; v <= versions && revisions.length < revisionsWanted; v++) revisions.push({ series: s, version: v, ts: start + (v - 1) * 3 * DAY, area, patches })
  }
  const seriesCount = (revisions[revisions.length - 1]?.series ?? 0) + 1
  const revEvents = await postAll(node, revisions.map((r) => draft('series.revision', revisionBody(rand, r, diffs), r.ts)))

  // Reviews (whole revision and per patch) and one job per revision; the big runs' revisions also get a large-result job.
  const second: AnyDraft[] = []
  revisions.forEach((r, i) => {
    const id = (revEvents[i] as CairnEvent).id
    for (let k = 0; k < 3; k++) {
      const who = PEOPLE[(r.series + k + 1) % PEOPLE.length] as { name: string, email: string }
      const key = rand() < 0.01 ? 'Nacked-by' : APPROVALS[k] as string
      const patch = k === 0 ? undefined : 1 + Math.floor(rand() * r.patches)
      second.push(draft('review', {
        target: { revision: id, ...(patch === undefined ? {} : { patch }) },
        trailers: rand() < 0.7 ? [{ key, value: `${who.name} <${who.email}>` }] : [],
        comment: phrase(rand, 30),
        messageId: `<re${k}-s${r.series}-v${r.version}@example.org>`,
        from: who
      }, r.ts + (k + 1) * 3_600_000, [id]))
    }
    second.push(jobRequest('quick', r.ts + 60_000, id))
  })
  const bigRevisions = revisions.filter((r) => r.version === 1).slice(-opts.bigRuns)
  const bigJobDrafts = [
    ...[0, 1].map((b) => jobRequest('full', T0 + b * DAY)), // baselines
    ...bigRevisions.map((r) => jobRequest('full', r.ts + 120_000, (revEvents[revisions.indexOf(r)] as CairnEvent).id))
  ]
  const secondEvents = await postAll(node, [...second, ...bigJobDrafts])
  const jobs = secondEvents.filter((e) => e.type === 'job.request')
  const smallJobs = jobs.slice(0, revisions.length)
  const bigJobs = jobs.slice(revisions.length)

  // Each job: claimed, running, done, its result; one revision in five gets a decision.
  const third: AnyDraft[] = []
  const env = { kernel: '6.16.0', arch: 'x86_64' }
  smallJobs.forEach((job, i) => {
    const r = revisions[i] as Revision
    const ts = job.ts
    third.push(draft('job.claim', { job: job.id, runner: node.identityKey, leaseUntil: ts + 600_000 }, ts + 1000, [job.id]))
    third.push(draft('job.progress', { job: job.id, step: 'build', state: 'running' }, ts + 2000, [job.id]))
    third.push(draft('job.progress', { job: job.id, step: 'test', state: 'running' }, ts + 3000, [job.id]))
    const tests = smallTests(rand, r.area)
    const verdict = tests.some((t) => t.status === 'fail') ? 'fail' : 'pass'
    third.push(draft('result', { job: job.id, build: `b${i}`.padEnd(52, '0'), testRun: `r${i}`.padEnd(52, '0'), verdict, tests, logs: [], environment: env }, ts + 4000, [job.id]))
    if (i % 5 === 0) {
      const revision = (revEvents[i] as CairnEvent).id
      third.push(draft('decision', { revision, machine: 'cairn/revision', machineVersion: '1', policyHash: 'p'.repeat(52), state: verdict === 'fail' ? 'tested.fail' : 'reviewed', verdict: verdict === 'fail' ? 'reject' : 'needs-review', reasons: ['policy: 1 Reviewed-by from a maintainer'], inputs: [revision, job.id] }, ts + 5000, [revision]))
    }
  })
  // Notes fill what is left of the event budget (the large results come last).
  const sofar = revEvents.length + secondEvents.length + third.length + bigJobs.length
  for (let i = 0; i < opts.events - sofar; i++) third.push(draft('note', { text: phrase(rand, 20) }, T0 + Math.floor(rand() * 90 * DAY)))
  await postAll(node, third)

  // The large results (each about 1 MB signed).
  const big = await postAll(node, bigJobs.map((job, i) => draft('result', {
    job: job.id, build: `big-b${i}`.padEnd(52, '0'), testRun: `big-r${i}`.padEnd(52, '0'), verdict: i < 2 ? 'pass' : 'fail',
    tests: bigTests(opts.bigTests, i < 2 ? 0 : 5 + i), logs: [], environment: env
  }, job.ts + 3_600_000, [job.id])))
  await node.indexer.run()

  const richIndex = revisions.indexOf(bigRevisions[bigRevisions.length - 1] as Revision)
  const v2 = revisions.findIndex((r) => r.version === 2)
  return {
    events: node.views.count,
    series: seriesCount,
    richRevision: (revEvents[richIndex] as CairnEvent).id,
    query: 'reclaim folio',
    bigResults: big.length,
    baseline: (big[0] as CairnEvent).id,
    run: (big[big.length - 1] as CairnEvent).id,
    job: (smallJobs[0] as CairnEvent).id,
    interdiff: [(revEvents[v2 - 1] as CairnEvent).id, (revEvents[v2] as CairnEvent).id]
  }
}
