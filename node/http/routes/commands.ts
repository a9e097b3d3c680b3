import type { FastifyInstance, FastifyRequest } from 'fastify'
import { PassThrough } from 'node:stream'
import { CairnError, isCairnError } from '../../../protocol/errors.js'
import type { RouteContext } from '../context.js'
import { checkBearer } from '../token.js'

/** Where a command run in the daemon writes, and when its client went away. */
export interface CommandIo {
  out: (line: string) => void
  err: (line: string) => void
  /** Resolves when the client hangs up (its Ctrl-C): the command stops as it would on SIGINT. */
  stopped: Promise<void>
}

/** A CLI command the daemon runs for a client beside it: its options as argv (parsed again there), its exit status. */
export type DaemonCommand = (argv: string[], io: CommandIo) => Promise<number>

/** One line of the answer (application/x-ndjson): output as it comes, then the exit status or the error. */
type CommandLine = { out: string } | { err: string } | { exit: number } | { error: string, message: string }

/**
 * POST /api/commands/:name with `{argv}`: a command that writes (runs jobs,
 * posts events) while the daemon holds the home, run in the daemon's
 * process on its node (`cairn flow`, `cairn bisect`). The composition root
 * gives the commands (node/http knows none of them); an unknown name is
 * NOT_FOUND. The answer streams the command's lines, then its exit status.
 */
export function commandRoutes (app: FastifyInstance, { token }: RouteContext, commands: Readonly<Record<string, DaemonCommand>>): void {
  const auth = async (request: FastifyRequest): Promise<void> => checkBearer(request.headers.authorization, token)
  app.post('/api/commands/:name', { onRequest: auth }, async (request, reply) => {
    const { name } = request.params as { name: string }
    const command = Object.hasOwn(commands, name) ? commands[name] : undefined
    if (command === undefined) throw new CairnError('NOT_FOUND', `the daemon runs no command "${name}" for clients (it runs: ${Object.keys(commands).join(', ') || 'none'})`)
    const argv = commandArgv(request.body)
    const out = new PassThrough()
    const send = (line: CommandLine): void => { if (!out.writableEnded) out.write(JSON.stringify(line) + '\n') }
    const stopped = new Promise<void>((resolve) => { reply.raw.once('close', () => { if (!reply.raw.writableFinished) resolve() }) })
    void command(argv, { out: (l) => send({ out: l }), err: (l) => send({ err: l }), stopped })
      .then((exit) => send({ exit }), (err: unknown) => {
        const e = isCairnError(err) ? err : new CairnError('INTERNAL', (err as Error).message)
        send({ error: e.code, message: e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message })
      }).finally(() => out.end())
    return await reply.code(200).type('application/x-ndjson; charset=utf-8').send(out)
  })
}

/**
 * The body's argv, checked here rather than by a route schema: Fastify's Ajv
 * coerces types (`{"argv":5}` would run as `["5"]`), and a command line must
 * arrive exactly as the client wrote it.
 */
function commandArgv (body: unknown): string[] {
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : null
  const argv = fields !== null ? (body as { argv?: unknown }).argv : undefined
  if (fields === null || fields.some((f) => f !== 'argv') || !Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) {
    throw new CairnError('SCHEMA', 'the body must be {"argv": [strings]} and nothing else')
  }
  return argv
}
