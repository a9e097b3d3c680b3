import { CairnError, wireCode } from '../../protocol/errors.js'
import type { DaemonApi } from '../daemon/record.js'

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
  const code = typeof answer.error === 'string' && /^[A-Z_]+$/.test(answer.error) ? wireCode(answer.error) : 'DAEMON_ERROR'
  throw new CairnError(code, typeof answer.message === 'string' ? answer.message : `the daemon answered HTTP ${response.status}`)
}
