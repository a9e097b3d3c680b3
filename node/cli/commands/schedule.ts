import { CairnError } from '../../../protocol/errors.js'
import { homePaths, isInitialised } from '../../storage/home.js'
import { addSchedule, removeSchedule } from '../../storage/schedules.js'
import { scheduleRows } from '../../wire/schedules.js'
import type { ScheduleJson } from '../../wire/types.js'
import type { Args, Command, Context } from '../command.js'
import { getFromDaemon, liveDaemon } from '../daemon-api.js'
import { printRows } from '../output.js'
import { makeSchedule } from '../schedule-make.js'
import type { scheduleSpec } from '../specs/schedule.js'

type Subs = (typeof scheduleSpec)['subcommands']

function initialised (home: string): void {
  if (!isInitialised(homePaths(home))) throw new CairnError('NOT_INITIALISED', `no node in ${home}; run: cairn init --name NAME (or cairn start)`)
}

/** Checked as `job submit` checks a baseline job (repo, ref, recipe), then kept in the home for the daemon. */
async function add (ctx: Context, { values }: Args<Subs[0]>): Promise<void> {
  initialised(ctx.home)
  const { schedule, line } = await makeSchedule(values, Date.now())
  addSchedule(ctx.home, schedule)
  ctx.io.out(line)
}

/** The daemon's list when it runs (it alone knows its CI configuration's schedules), else the home's. */
async function list (ctx: Context, { values }: Args<Subs[1]>): Promise<void> {
  const api = liveDaemon(ctx.home)
  const rows = api === null ? scheduleRows(ctx.home, [], Date.now()) : (await getFromDaemon(api, 'api/schedules') as { schedules: ScheduleJson[] }).schedules
  printRows(ctx.io, values, rows, (r) => r, (r) =>
    `${r.name}${r.readOnly ? ' (ci.yaml, read-only)' : ''} every ${r.every}${r.at === null ? '' : ` at ${r.at} UTC`} ${r.ref} ${r.repo}${r.recipe === null ? '' : ` recipe ${r.recipe}`} profile ${r.profile}${r.tags.length > 0 ? ` [${r.tags.join(',')}]` : ''} last ${r.lastRun ?? 'never'} next ${r.nextRun}`)
}

async function remove (ctx: Context, { positionals }: Args<Subs[2]>): Promise<void> {
  const name = positionals[0] as string
  if (name.startsWith('ci/')) throw new CairnError('SCHEDULE_READ_ONLY', `${name} comes from the CI configuration: change its ci.yaml schedules: and restart cairn start`)
  const gone = removeSchedule(ctx.home, name)
  ctx.io.out(`schedule ${gone.name} removed; its jobs and results stay`)
}

export const schedule: Command = { subcommands: { add, list, remove } }
