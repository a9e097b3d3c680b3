/**
 * `cairn bisect`: the first bad commit of good..bad, searched through
 * ordinary baseline jobs. Each step is first looked up among the results
 * already published (bisect-steps.ts: by job inputs and test-run identity,
 * from any trusted runner); only a commit nothing settles gets a job, and a
 * commit whose runs disagree (a flake) gets another run with `reuse: false`
 * until they settle. The first bad commit, when one run alone says so, is
 * run once more before it is the answer: a flaky failure would otherwise
 * send the search to an earlier commit and blame it. The answer is published as a `bisect` event naming the
 * results of every step, which `bisect check` (or anyone) can verify.
 */
import { existsSync } from 'node:fs'
import type { CairnNode } from '../node/node.js'
import { jobView } from '../node/views/jobs.js'
import { BISECT_SCHEME, bisectProblems } from '../protocol/bisect.js'
import type { BisectBody, BisectOutcome } from '../protocol/bisect.js'
import { CairnError } from '../protocol/errors.js'
import type { BodyOf } from '../protocol/schemas.js'
import { knownRuns, nextStep } from './bisect-steps.js'
import type { Evidence, JobTemplate, Run } from './bisect-steps.js'
import { git, gitEnv } from './git.js'
import { jobRequestBody } from './submit.js'

interface BisectOptions {
  repo: string
  good: string
  bad: string
  test?: string
  recipePath?: string
  profile?: string
  tags?: string[]
  log?: (line: string) => void
  /** Resolves when the user interrupts: the bisect ends BISECT_JOB; its jobs stay posted, and bisect again reuses their results. */
  stopped?: Promise<void>
}

interface BisectOutput {
  /** The bisect event's EventId. */
  event: string
  body: BisectBody
  /** Jobs this bisect submitted, and how many of them ran tests (the others reused a run of the same identity). */
  jobs: number
  ran: number
}

const env = (): Record<string, string> => gitEnv(process.env.HOME ?? '/')

async function revParse (repo: string, ref: string, which: string): Promise<string> {
  const r = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo, env: env() })
  if (r.code !== 0) throw new CairnError('BISECT_RANGE', `--${which} ${ref} is not a commit of ${repo}`)
  return r.stdout.trim()
}

/** The range good..bad along bad's first parents, oldest first (good excluded, bad last). */
export async function bisectRange (repo: string, good: string, bad: string): Promise<string[]> {
  const r = await git(['rev-list', '--first-parent', '--reverse', `${good}..${bad}`], { cwd: repo, env: env() })
  if (r.code !== 0) throw new CairnError('BISECT_RANGE', `git rev-list ${good}..${bad} failed in ${repo}: ${r.stderr.trim()}`)
  const order = r.stdout.split('\n').filter((l) => l !== '')
  if (order.length === 0) throw new CairnError('BISECT_RANGE', `${good.slice(0, 12)}..${bad.slice(0, 12)} is empty: the bad commit must come after the good one`)
  const first = order[0] as string
  const parent = await git(['rev-parse', `${first}^`], { cwd: repo, env: env() })
  if (parent.stdout.trim() !== good) throw new CairnError('BISECT_RANGE', `good ${good.slice(0, 12)} is not on the first-parent line of bad ${bad.slice(0, 12)}`)
  return order
}

export async function bisect (node: CairnNode, opts: BisectOptions): Promise<BisectOutput> {
  const log = opts.log ?? (() => {})
  const { body: first } = await jobRequestBody(node.views, { repo: opts.repo, ref: opts.bad, ...pick(opts) })
  const repo = first.repo
  if (!existsSync(repo)) throw new CairnError('BISECT_RANGE', `--repo ${opts.repo}: bisect reads the range with git, so it needs a local clone, not a URL`)
  const good = await revParse(repo, opts.good, 'good')
  const bad = first.base
  const order = await bisectRange(repo, good, bad)
  const { base: _b, ref: _r, ...template } = first
  log(`bisecting ${order.length} commit(s) ${good.slice(0, 12)}..${bad.slice(0, 12)}${opts.test === undefined ? '' : ` for test ${opts.test}`}`)
  const search = new Search(node, template, opts.test, log, opts.stopped ?? new Promise(() => {}))
  const confirmed = new Set<string>()
  let next = nextStep(order, search.known())
  for (;;) {
    while ('probe' in next) {
      await search.settle(next.probe)
      next = nextStep(order, search.known())
    }
    // One failing run may be a flake's, and a bisect that believes it blames the wrong commit:
    // the first bad commit is run again before it is the answer (its runs disagreeing send the search on).
    if (!('firstBad' in next) || confirmed.has(next.firstBad) || !search.lone(next.firstBad)) break
    confirmed.add(next.firstBad)
    await search.confirm(next.firstBad)
    next = nextStep(order, search.known())
  }
  const body: BisectBody = {
    scheme: BISECT_SCHEME,
    project: template.project,
    repo,
    good,
    bad,
    ...(opts.test === undefined ? {} : { test: opts.test }),
    recipe: template.recipe,
    profile: template.profile,
    tags: template.tags,
    commits: order.length,
    steps: search.steps(order),
    ...('firstBad' in next ? { firstBad: next.firstBad } : { candidates: next.candidates })
  }
  const problems = bisectProblems(body, order)
  if (problems.length > 0) throw new CairnError('BISECT_INCONSISTENT', `the steps do not prove the answer (is the test flaky, or the range not bad at ${bad.slice(0, 12)}?): ${problems.join('; ')}`)
  const refs = [...new Set(body.steps.flatMap((s) => s.results))]
  const event = await node.post('bisect', body, refs)
  return { event: event.id, body, jobs: search.jobs, ran: search.ran }
}

function pick (opts: BisectOptions): { recipePath?: string, profile?: string, tags?: string[] } {
  return {
    ...(opts.recipePath === undefined ? {} : { recipePath: opts.recipePath }),
    ...(opts.profile === undefined ? {} : { profile: opts.profile }),
    ...(opts.tags === undefined ? {} : { tags: opts.tags })
  }
}

/** The search's state: what the published results say, and the jobs it submitted. */
class Search {
  jobs = 0
  ran = 0
  private evidence: Map<string, Evidence>

  constructor (private readonly node: CairnNode, private readonly template: JobTemplate, private readonly test: string | undefined, private readonly log: (line: string) => void, private readonly stopped: Promise<void>) {
    this.evidence = knownRuns(node.views, template, test)
  }

  known (): Map<string, BisectOutcome> {
    const out = new Map<string, BisectOutcome>()
    for (const [commit, e] of this.evidence) if (e.settled !== null) out.set(commit, e.settled.outcome)
    return out
  }

  /** Runs at `commit` until its runs settle. */
  async settle (commit: string): Promise<void> {
    for (;;) {
      const e = this.evidence.get(commit)
      if (e?.settled != null) {
        this.log(`${commit.slice(0, 12)} ${e.settled.outcome}${e.settled.flaky ? ` (flaky: ${e.runs.map((r) => r.outcome).join(', ')})` : ''}`)
        return
      }
      const rerun = e !== undefined && e.runs.length > 0
      if (rerun) this.log(`${commit.slice(0, 12)}: runs disagree (${e.runs.map((r) => r.outcome).join(', ')}); running it again`)
      await this.run(commit, rerun)
      this.evidence = knownRuns(this.node.views, this.template, this.test)
    }
  }

  /** Whether one run alone says what `commit` is. */
  lone (commit: string): boolean {
    return this.evidence.get(commit)?.runs.length === 1
  }

  /** Run `commit` again (reuse off), then until its runs settle. */
  async confirm (commit: string): Promise<void> {
    this.log(`${commit.slice(0, 12)}: the first bad commit, on one run; running it again to confirm`)
    await this.run(commit, true)
    this.evidence = knownRuns(this.node.views, this.template, this.test)
    await this.settle(commit)
  }

  /** The steps as the event lists them: every commit of the range with settled runs, in range order. */
  steps (order: readonly string[]): BisectBody['steps'] {
    return order.flatMap((commit) => {
      const e = this.evidence.get(commit)
      if (e?.settled == null) return []
      return [{ commit, outcome: e.settled.outcome, results: e.runs.map((r: Run) => r.result).slice(0, 100), ...(e.settled.flaky ? { flaky: true } : {}) }]
    })
  }

  /** Submit a job for `commit` and wait for its result. */
  private async run (commit: string, rerun: boolean): Promise<void> {
    const body: BodyOf<'job.request'> = { ...this.template, base: commit, ...(rerun ? { reuse: false as const } : {}) }
    const request = await this.node.post('job.request', body)
    this.jobs++
    this.log(`${commit.slice(0, 12)}: job ${request.id.slice(0, 12)} submitted`)
    const result = await this.settled(request.id)
    const event = this.node.views.event(result)
    if (event?.type === 'result' && event.body.verdict !== 'reused') this.ran++
  }

  /** The result that settles a job: the one its lifecycle took (an aborted job is an error: the bisect cannot go on without it). */
  private async settled (job: string): Promise<string> {
    const views = this.node.views
    const done = (): string | null => {
      const view = jobView(views, job, Date.now())
      if (view === null) return null
      if (view.state === 'aborted') throw new CairnError('BISECT_JOB', `job ${job.slice(0, 12)} was aborted${view.cancelled ? ' (cancelled)' : ''}; the bisect cannot go on without its result`)
      return view.result !== null && (view.state === 'done' || view.state === 'failed') ? view.result : null
    }
    return await new Promise<string>((resolve, reject) => {
      const check = (): boolean => {
        try {
          const r = done()
          if (r === null) return false
          resolve(r)
        } catch (err) { reject(err) }
        return true
      }
      if (check()) return
      const off = views.subscribe((e) => {
        if ((e.type === 'result' || e.type === 'job.progress') && (e.body as { job?: string }).job === job && check()) off()
      })
      void this.stopped.then(() => {
        off()
        reject(new CairnError('BISECT_JOB', `interrupted waiting for job ${job.slice(0, 12)}; it stays posted, and bisect again takes its result`))
      })
    })
  }
}
