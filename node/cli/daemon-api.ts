import { readFileSync } from 'node:fs'
import { CairnError } from '../../protocol/errors.js'
import { homePaths, readJson } from '../home.js'
import { loadOrCreateToken } from '../http/token.js'

/** What `cairn start` writes to the home while it serves HTTP (home.ts: daemon). */
export interface DaemonRecord { pid: number, url: string }

export interface DaemonApi { url: string, token: string }

/**
 * The HTTP API of the process holding `home`, when that process is a daemon
 * serving one: its record must name the pid in the home's lock (a record
 * left by a daemon killed with -9 names a dead or other process).
 */
export function daemonApi (home: string): DaemonApi | null {
  const paths = homePaths(home)
  const record = readJson<Partial<DaemonRecord> | null>(paths.daemon, null)
  if (record === null || typeof record.url !== 'string' || typeof record.pid !== 'number') return null
  let holder: number
  try {
    holder = Number(readFileSync(paths.lock, 'utf8'))
  } catch {
    return null
  }
  if (holder !== record.pid) return null
  return { url: record.url, token: loadOrCreateToken(paths.token) }
}

/** Post an event through the daemon's API (POST /api/events); resolves with its EventId. */
export async function postThroughDaemon (api: DaemonApi, type: string, body: unknown, refs: string[]): Promise<string> {
  let response: Response
  try {
    response = await fetch(new URL('api/events', api.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type, body, refs })
    })
  } catch (err) {
    throw new CairnError('DAEMON_UNREACHABLE', `the daemon holding this home does not answer at ${api.url} (${(err as Error).message}); is it still running?`, { cause: err })
  }
  const answer = await response.json().catch(() => ({})) as { id?: string, error?: string, message?: string }
  if (!response.ok || typeof answer.id !== 'string') {
    throw new CairnError(answer.error ?? 'DAEMON_ERROR', answer.message ?? `the daemon answered HTTP ${response.status}`)
  }
  return answer.id
}
