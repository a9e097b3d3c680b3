import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { bisect, bisectRange } from '../../../runners/bisect.js'
import { stepProblems } from '../../../runners/bisect-steps.js'
import { Runner } from '../../../runners/runner.js'
import { bisectProblems } from '../../../protocol/bisect.js'
import type { BisectBody } from '../../../protocol/bisect.js'
import { CairnError } from '../../../protocol/errors.js'
import { findBisect } from '../../views/bisects.js'
import type { CommandIo } from '../../http/routes/commands.js'
import type { CairnNode } from '../../node.js'
import type { Args, Command, Context } from '../command.js'
import { inProcessOrDaemon, usageError, withNodeToRead } from '../command.js'
import type { bisectCheckSpec, bisectSpec } from '../specs/bisect.js'

const LEASE_MS = 10 * 60_000

/** The search, with this machine's runner taking the jobs no trusted result already answers; beside a daemon, run in it. */
async function run (ctx: Context, { values }: Args<typeof bisectSpec>): Promise<void> {
  for (const name of ['repo', 'good', 'bad'] as const) if (values[name] === undefined) throw usageError(`bisect needs --${name}`)
  const absolute = { ...values, repo: resolve(values.repo as string), ...(values.recipe === undefined ? {} : { recipe: resolve(values.recipe) }), ...(values.workdir === undefined ? {} : { workdir: resolve(values.workdir) }) }
  await inProcessOrDaemon(ctx, 'bisect', absolute, async (node) => await bisectOn(node, ctx.home, absolute, { ...ctx.io, stopped: ctx.stopped }))
}

/** The bisect on an open, writable node (this process's, or the daemon's); resolves with the exit status. */
export async function bisectOn (node: CairnNode, home: string, values: Args<typeof bisectSpec>['values'], io: CommandIo): Promise<number> {
  for (const name of ['repo', 'good', 'bad'] as const) if (values[name] === undefined) throw usageError(`bisect needs --${name}`)
  const tags = values.tags === undefined ? undefined : values.tags.split(',').map((t) => t.trim()).filter((t) => t !== '')
  const say = (line: string): void => { if (values.json !== true) io.out(line) }
  const runner = new Runner(node, { tags: tags ?? [], workdir: values.workdir === undefined ? join(home, 'runner') : resolve(values.workdir), jobs: 1, leaseMs: LEASE_MS })
  await runner.start()
  try {
    const out = await bisect(node, {
      repo: values.repo as string,
      good: values.good as string,
      bad: values.bad as string,
      ...(values.test === undefined ? {} : { test: values.test }),
      ...(values.recipe === undefined ? {} : { recipePath: values.recipe }),
      ...(values.profile === undefined ? {} : { profile: values.profile }),
      ...(tags === undefined ? {} : { tags }),
      log: say,
      stopped: io.stopped
    })
    if (values.json === true) { io.out(JSON.stringify({ event: out.event, jobs: out.jobs, ran: out.ran, ...out.body })); return 0 }
    for (const line of answer(out.body)) io.out(line)
    io.out(`${out.jobs} job(s) submitted, ${out.ran} ran tests; bisect event ${out.event}`)
    return 0
  } finally {
    await runner.stop()
  }
}

/** The answer and the chain of results that proves it. */
function answer (body: BisectBody): string[] {
  const head = body.firstBad !== undefined
    ? `first bad commit: ${body.firstBad}`
    : `no single first bad commit: skipped steps leave ${(body.candidates ?? []).length} candidates: ${(body.candidates ?? []).map((c) => c.slice(0, 12)).join(' ')}`
  return [head, ...body.steps.map((s) => `  ${s.commit.slice(0, 12)} ${s.outcome}${s.flaky === true ? ' (flaky)' : ''} ${s.results.map((r) => r.slice(0, 12)).join(' ')}`)]
}

async function check (ctx: Context, { values, positionals }: Args<typeof bisectCheckSpec>): Promise<void> {
  await withNodeToRead(ctx, async (node) => {
    const ref = positionals[0] as string
    const event = findBisect(node.views, ref)
    if (event === null) throw new CairnError('NOT_FOUND', `no bisect event ${ref} here (an EventId, or a unique prefix of 8 or more hex characters)`)
    const body = event.body
    const problems = stepProblems(node.views, body)
    const repo = values.repo ?? (existsSync(body.repo) ? body.repo : undefined)
    if (repo !== undefined) problems.push(...bisectProblems(body, await bisectRange(resolve(repo), body.good, body.bad)))
    if (values.json === true) ctx.io.out(JSON.stringify({ event: event.id, ok: problems.length === 0, rangeChecked: repo !== undefined, problems }))
    else {
      for (const line of answer(body)) ctx.io.out(line)
      ctx.io.out(repo === undefined ? 'range not checked: give --repo DIR (a local clone) to check the order of the steps' : `range checked in ${repo}`)
    }
    if (problems.length > 0) throw new CairnError('BISECT_INCONSISTENT', `bisect ${event.id.slice(0, 12)} does not hold: ${problems.join('; ')}`)
    if (values.json !== true) ctx.io.out('ok: the steps prove the answer')
  })
}

export const bisectCommand: Command = { run, subcommands: { check } }
