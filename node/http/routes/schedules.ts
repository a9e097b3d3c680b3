import type { FastifyInstance, FastifyRequest } from 'fastify'
import { CairnError, isCairnError } from '../../../protocol/errors.js'
import { addSchedule, removeSchedule } from '../../storage/schedules.js'
import type { Schedule, ScheduleInput } from '../../storage/schedules.js'
import { scheduleRows } from '../../wire/schedules.js'
import type { RouteContext } from '../context.js'
import { HTTP_STATUS } from '../error-status.js'
import { checkBearer } from '../token.js'

/** What the daemon's composition gives the schedule routes (node/http does not import runners/). */
export interface ScheduleService {
  /** The CI configuration's schedules (ci/NAME): listed, never changed here. */
  fixed: readonly Schedule[]
  /** Check a schedule as `cairn schedule add` does (the ref resolves, the recipe reads); absent: POST is not served. */
  make?: (input: ScheduleInput, now: number) => Promise<{ schedule: Schedule, line: string }>
}

const FIELDS = ['every', 'repo', 'ref', 'recipe', 'profile', 'tags', 'name', 'at'] as const
const REQUIRED = ['every', 'repo', 'ref']

/** The posted object as a ScheduleInput: string fields only, `tags` a string or a list of them. */
function scheduleInput (body: unknown): ScheduleInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CairnError('BAD_SCHEDULE', 'body: expected a JSON object {"every", "repo", "ref", "recipe"?, "profile"?, "tags"?, "name"?, "at"?}')
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw new CairnError('BAD_SCHEDULE', `${key}: not a field of a schedule (${FIELDS.join(', ')})`)
    const v = key === 'tags' && Array.isArray(value) && value.every((x) => typeof x === 'string') ? value.join(',') : value
    if (typeof v !== 'string') throw new CairnError('BAD_SCHEDULE', `${key}: expected a string${key === 'tags' ? ' or a list of strings' : ''}`)
    out[key] = v
  }
  for (const key of REQUIRED) if (out[key] === undefined) throw new CairnError('BAD_SCHEDULE', `${key}: missing`)
  return out as unknown as ScheduleInput
}

/**
 * GET /api/schedules: every schedule with its last and next run (the CI
 * configuration's marked read-only); POST /api/schedules (token): add one,
 * checked as `cairn schedule add` checks it; DELETE /api/schedules/:name
 * (token): remove one of the home's.
 */
export function scheduleRoutes (app: FastifyInstance, { node, token }: RouteContext, service: ScheduleService = { fixed: [] }): void {
  const home = node.paths.dir
  const auth = async (request: FastifyRequest): Promise<void> => checkBearer(request.headers.authorization, token)
  app.get('/api/schedules', async () => {
    const schedules = scheduleRows(home, service.fixed, Date.now())
    return { total: schedules.length, schedules }
  })
  const make = service.make
  if (make !== undefined) {
    app.post('/api/schedules', { onRequest: auth }, async (request, reply) => {
      const now = Date.now()
      const { schedule, line } = await make(scheduleInput(request.body), now).catch((err: unknown) => {
        // The check runs runners/ code (the ref, the recipe), whose codes have no status here: the request was bad.
        if (isCairnError(err) && !(err.code in HTTP_STATUS)) throw new CairnError('BAD_SCHEDULE', err.message, { cause: err })
        throw err
      })
      if (service.fixed.some((s) => s.name === schedule.name)) throw new CairnError('SCHEDULE_EXISTS', `${schedule.name} is a schedule of the CI configuration`)
      addSchedule(home, schedule)
      void reply.code(201)
      return { schedule: scheduleRows(home, [], now).find((r) => r.name === schedule.name), message: line }
    })
  }
  app.delete<{ Params: { name: string } }>('/api/schedules/:name', { onRequest: auth }, async (request) => {
    const { name } = request.params
    if (service.fixed.some((s) => s.name === name)) throw new CairnError('SCHEDULE_READ_ONLY', `${name} comes from the CI configuration: change its ci.yaml schedules: and restart cairn start`)
    return { removed: removeSchedule(home, name).name }
  })
}
