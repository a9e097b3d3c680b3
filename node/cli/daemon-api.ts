import { Readable } from 'node:stream'
import { CairnError, wireCode } from '../../protocol/errors.js'
import { daemonApi } from '../daemon/record.js'
import type { DaemonApi } from '../daemon/record.js'
import { homePaths, lockPid } from '../storage/home.js'

/** How long a post through the daemon may take before the CLI gives up on it. */
const POST_TIMEOUT_MS = 30_000

/** Post an event through the daemon's API (POST /api/events); resolves with its EventId. */
export async function postThroughDaemon (api: DaemonApi, type: string, body: unknown, refs: string[]): Promise<string> {
  let response: Response
  let answer: { id?: unknown, error?: unknown, message?: unknown }
  try {
    response = await fetch(new URL('api/events', api.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type, body, refs }),
      signal: AbortSignal.timeout(POST_TIMEOUT_MS)
    })
    answer = await response.json().catch(() => ({})) ?? {}
  } catch (err) {
    // The request may have reached the daemon before it stopped answering: the event may be in its feed.
    throw new CairnError('DAEMON_UNREACHABLE', `the daemon holding this home did not answer at ${api.url} (${(err as Error).message}); the event may have been posted: check cairn log before posting again`, { cause: err })
  }
  if (response.ok && typeof answer.id === 'string') return answer.id
  throw daemonError(answer, response.status)
}

/** GET a JSON answer of the daemon's API (a list it alone knows whole, such as its CI configuration's schedules). */
export async function getFromDaemon (api: DaemonApi, path: string): Promise<unknown> {
  let response: Response
  let answer: { error?: unknown, message?: unknown }
  try {
    response = await fetch(new URL(path, api.url), { signal: AbortSignal.timeout(POST_TIMEOUT_MS) })
    answer = await response.json() as typeof answer
  } catch (err) {
    throw new CairnError('DAEMON_UNREACHABLE', `the daemon holding this home did not answer at ${api.url} (${(err as Error).message})`, { cause: err })
  }
  if (!response.ok) throw daemonError(answer, response.status)
  return answer
}

/** An ingest as the CLI sends it (POST /api/ingest): the bytes to stream, or a path the daemon reads. */
interface IngestCall {
  source: string
  input: { stream: AsyncIterable<Buffer> } | { path: string }
  format?: string
  list?: string
  project?: string
  match: string[]
}

/**
 * Ingest through the daemon (`cairn ingest` while `cairn start` holds the
 * home): the body streams (an mbox on stdin may be larger than memory), the
 * answer is a JSON line per progress report or warning, then the summary.
 * There is no overall timeout: a large archive takes as long as it takes;
 * `stopped` (SIGINT) ends the request, and the daemon keeps and publishes
 * what it read, as an interrupted run does: then it resolves null.
 */
export async function ingestThroughDaemon (api: DaemonApi, call: IngestCall, on: { progress: (p: unknown) => void, warn: (message: string) => void }, stopped: Promise<void>): Promise<unknown> {
  const url = new URL('api/ingest', api.url)
  url.searchParams.set('source', call.source)
  if ('path' in call.input) url.searchParams.set('path', call.input.path)
  for (const key of ['format', 'list', 'project'] as const) if (call[key] !== undefined) url.searchParams.set(key, call[key])
  for (const m of call.match) url.searchParams.append('match', m)
  const abort = new AbortController()
  let interrupted = false
  void stopped.then(() => { interrupted = true; abort.abort() })
  const headers: Record<string, string> = { authorization: `Bearer ${api.token}` }
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers, signal: abort.signal }
  if ('stream' in call.input) {
    headers['content-type'] = call.source === 'mail' ? 'message/rfc822' : 'application/mbox'
    init.body = Readable.toWeb(Readable.from(call.input.stream)) as ReadableStream
    init.duplex = 'half' // Node's fetch streams a request body only half-duplex
  }
  let summary: unknown
  try {
    for await (const msg of answerLines(url, init)) {
      if (msg.progress !== undefined) on.progress(msg.progress)
      else if (typeof msg.warning === 'string') on.warn(msg.warning)
      else if (msg.summary !== undefined) summary = msg.summary
      else throw daemonError(msg, 200)
    }
  } catch (err) {
    if (err instanceof CairnError) throw err
    if (interrupted) return null
    throw new CairnError('DAEMON_UNREACHABLE', `the daemon holding this home did not answer at ${api.url} (${(err as Error).message}); what it read before is kept: run the ingest again (mails it has are counted as duplicates)`, { cause: err })
  }
  if (summary === undefined) throw new CairnError('DAEMON_ERROR', 'the daemon ended the ingest without a summary')
  return summary
}

/**
 * Run a command in the daemon (POST /api/commands/:name: `cairn flow` and
 * `cairn bisect` while `cairn start` holds the home): its lines are printed
 * as they come; resolves with its exit status. `stopped` (SIGINT) hangs up,
 * which stops the command there as SIGINT would here.
 */
export async function commandThroughDaemon (api: DaemonApi, name: string, argv: string[], io: { out: (line: string) => void, err: (line: string) => void }, stopped: Promise<void>): Promise<number> {
  const abort = new AbortController()
  let interrupted = false
  void stopped.then(() => { interrupted = true; abort.abort() })
  const init: RequestInit = {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ argv }),
    signal: abort.signal
  }
  try {
    for await (const msg of answerLines(new URL(`api/commands/${name}`, api.url), init)) {
      if (typeof msg.out === 'string') io.out(msg.out)
      else if (typeof msg.err === 'string') io.err(msg.err)
      else if (typeof msg.exit === 'number') return msg.exit
      else throw daemonError(msg, 200)
    }
  } catch (err) {
    if (err instanceof CairnError) throw err
    if (interrupted) {
      io.err(`cairn: ${name} interrupted: the daemon stops it there; the jobs it posted stay posted, and ${name} again takes them up`)
      return 1
    }
    throw new CairnError('DAEMON_UNREACHABLE', `the daemon holding this home stopped answering ${name} at ${api.url} (${(err as Error).message}); the jobs it posted stay posted`, { cause: err })
  }
  throw new CairnError('DAEMON_ERROR', `the daemon ended ${name} without an exit status`)
}

/** The JSON lines of a streamed answer (application/x-ndjson); an answer that is not 200 is its error. */
async function * answerLines (url: URL, init: RequestInit): AsyncIterable<Record<string, unknown>> {
  const response = await fetch(url, init)
  if (!response.ok || response.body === null) {
    const answer = await response.json().catch(() => ({})) as { error?: unknown, message?: unknown }
    throw daemonError(answer, response.status)
  }
  for await (const line of lines(response.body)) yield JSON.parse(line) as Record<string, unknown>
}

/** The daemon holding the home, when its record names a live lock holder; else null (the run opens the home, which says HOME_LOCKED if it must). */
export function liveDaemon (home: string): DaemonApi | null {
  const api = daemonApi(home)
  const pid = lockPid(homePaths(home).lock)
  if (api === null || pid === null) return null
  try {
    process.kill(pid, 0)
    return api
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? api : null
  }
}

function daemonError (answer: { error?: unknown, message?: unknown }, status: number): CairnError {
  const code = typeof answer.error === 'string' && /^[A-Z_]+$/.test(answer.error) ? wireCode(answer.error) : 'DAEMON_ERROR'
  return new CairnError(code, typeof answer.message === 'string' ? answer.message : `the daemon answered HTTP ${status}`)
}

async function * lines (body: ReadableStream<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder()
  let rest = ''
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    rest += decoder.decode(chunk, { stream: true })
    const parts = rest.split('\n')
    rest = parts.pop() ?? ''
    for (const p of parts) if (p.trim() !== '') yield p
  }
  if (rest.trim() !== '') yield rest
}
