import { join, resolve } from 'node:path'
import { cleanJob } from '../../../runners/clean.js'
import { jobRequestBody } from '../../../runners/submit.js'
import { CairnError } from '../../../protocol/errors.js'
import { CANCELLED, JOB_STATES, eachJob, jobsByPrefix, jobView, mayCancel } from '../../views/jobs.js'
import type { JobStateName, JobView } from '../../views/jobs.js'
import type { Views } from '../../views/views.js'
import { jobJson } from '../../wire/jobs.js'
import type { Args, Command, Context } from '../command.js'
import { usageError, withNode, withNodeToPost, withNodeToRead } from '../command.js'
import { printRows } from '../output.js'
import type { jobSpec } from '../specs/jobs.js'

type Subs = (typeof jobSpec)['subcommands']

async function submit (ctx: Context, { values }: Args<Subs[0]>): Promise<void> {
  if (values.series === undefined && values.ref === undefined) throw usageError('give --series ID (a series job) or --ref REF (a baseline job)')
  if (values.series !== undefined && values.ref !== undefined) throw usageError('--ref is for baseline jobs; a series job takes --base REF')
  if (values.series === undefined && values.base !== undefined) throw usageError('--base goes with --series; a baseline job takes --ref REF')
  let priority: number | undefined
  if (values.priority !== undefined) {
    priority = Number(values.priority)
    if (values.priority.trim() === '' || !Number.isSafeInteger(priority)) throw usageError(`--priority must be an integer, got "${values.priority}"`)
  }
  const tags = values.tags === undefined ? undefined : values.tags.split(',').map((t) => t.trim()).filter((t) => t !== '')
  if (values.profile !== undefined && values.profile.trim() === '') throw usageError('--profile must not be empty')
  await withNodeToPost(ctx, async (node, post) => {
    const { body, refs } = await jobRequestBody(node.views, {
      repo: values.repo as string,
      ...(values.series === undefined ? {} : { series: values.series }),
      ...(values.base === undefined ? {} : { base: values.base }),
      ...(values.ref === undefined ? {} : { ref: values.ref }),
      ...(values.recipe === undefined ? {} : { recipePath: values.recipe }),
      ...(values.profile === undefined ? {} : { profile: values.profile }),
      ...(tags === undefined ? {} : { tags }),
      ...(priority === undefined ? {} : { priority })
    })
    ctx.io.out(await post('job.request', body, refs))
  })
}

function jobLine (j: JobView): string {
  const b = j.request.body
  const what = b.revision !== undefined ? `series ${b.revision.slice(0, 12)} on ${(b.ref ?? b.base).slice(0, 12)}` : `baseline ${b.ref ?? b.base.slice(0, 12)}`
  const who = j.runner !== null ? ` runner ${j.runner.slice(0, 12)}` : ''
  const verdict = j.verdict !== null ? ` ${j.verdict}` : ''
  const rerun = b.rerunOf !== undefined ? ` (rerun of ${b.rerunOf.slice(0, 12)})` : ''
  const waiting = j.waiting !== null ? ` (gate ${j.waiting})` : ''
  return `${j.id.slice(0, 12)} ${j.waiting !== null ? 'waiting' : j.state}${j.cancelled ? ' (cancelled)' : ''}${rerun}${verdict} ${b.profile} ${what} ${b.repo}${b.tags.length > 0 ? ` [${b.tags.join(',')}]` : ''}${who}${waiting}`
}

async function list (ctx: Context, { values }: Args<Subs[1]>): Promise<void> {
  if (values.state !== undefined && !(JOB_STATES as readonly string[]).includes(values.state)) {
    throw usageError(`--state "${values.state}" is not one of ${JOB_STATES.join(', ')}`)
  }
  await withNodeToRead(ctx, async (node) => {
    const jobs = eachJob(node.views, Date.now(), values.state === undefined ? {} : { state: values.state as JobStateName })
    printRows(ctx.io, values, jobs, jobJson, jobLine)
  })
}

/** A job by id or unique prefix (8+ hex characters). */
export function findJob (views: Views, ref: string, now: number): JobView {
  const exact = jobView(views, ref, now)
  if (exact !== null) return exact
  if (/^[0-9a-f]{8,63}$/.test(ref)) {
    const matches = jobsByPrefix(views, ref, now)
    if (matches.length > 1) throw new CairnError('JOB_AMBIGUOUS', `"${ref}" is the start of ${matches.length} job ids; give more of it`)
    if (matches[0] !== undefined) return matches[0]
  }
  throw new CairnError('JOB_UNKNOWN', `no job "${ref}" here; cairn job list shows the jobs this node knows`)
}

async function cancel (ctx: Context, { positionals }: Args<Subs[2]>): Promise<void> {
  await withNodeToPost(ctx, async (node, post) => {
    const j = findJob(node.views, positionals[0] as string, Date.now())
    if (!mayCancel(node.views, j.request, node.identityKey)) throw new CairnError('NOT_ALLOWED', `job ${j.id} was requested by ${j.request.author}; only its author or a maintainer may cancel it`)
    if (j.state === 'done' || j.state === 'failed') throw new CairnError('JOB_FINISHED', `job ${j.id} has finished (${j.state}); there is nothing to cancel`)
    if (j.cancelled) throw new CairnError('JOB_CANCELLED', `job ${j.id} is already cancelled`)
    ctx.io.out(await post('job.progress', { job: j.id, step: 'cancel', state: CANCELLED }, [j.id]))
  })
}

/** The same inputs as a finished job, run again: a flake check, a runner fixed since. */
async function rerun (ctx: Context, { positionals }: Args<Subs[3]>): Promise<void> {
  await withNodeToPost(ctx, async (node, post) => {
    const j = findJob(node.views, positionals[0] as string, Date.now())
    if (!isFinished(j)) throw new CairnError('JOB_UNFINISHED', `job ${j.id} is ${j.state}; rerun it once it has finished, or cancel it`)
    const { reuse: _, rerunOf: __, ...inputs } = j.request.body
    ctx.io.out(await post('job.request', { ...inputs, reuse: false, rerunOf: j.id }, j.request.refs))
  })
}

const isFinished = (j: JobView): boolean => j.state === 'done' || j.state === 'failed' || j.state === 'aborted'

async function clean (ctx: Context, { values, positionals }: Args<Subs[4]>): Promise<void> {
  await withNode(ctx, async (node) => {
    const j = findJob(node.views, positionals[0] as string, Date.now())
    if (!isFinished(j)) throw new CairnError('JOB_UNFINISHED', `job ${j.id} is ${j.state}; clean it once it has finished, or cancel it`)
    const c = await cleanJob(node, j.id, values.workdir === undefined ? join(ctx.home, 'runner') : resolve(values.workdir))
    ctx.io.out(`job ${j.id.slice(0, 12)}: ${c.dir === null ? 'no work directory' : `removed ${c.dir}`}; freed ${c.blobs} blob(s), ${c.bytes} bytes`)
  })
}

export const job: Command = { subcommands: { submit, list, cancel, rerun, clean } }
