/**
 * The node's JSON API as the UI uses it. The shapes are the server's own
 * (node/wire/types.ts: pure types, compiled into this build too and erased
 * from the output), so the page and the server cannot drift apart.
 */
import type { EventDetailJson, EventJson, FeedJson, PeerJson, ResultRowJson, ScheduleJson, StatusJson, TestJson } from '../wire/types.js'

export type { EventJson, FeedJson, PeerJson, ScheduleJson, StatusJson, TestJson }
export type EventDetail = EventDetailJson
export type ResultRow = ResultRowJson

interface ApiError { error: string, message: string }

class HttpError extends Error {
  constructor (readonly status: number, readonly code: string, message: string) {
    super(`${code}: ${message}`)
  }
}

/** GET a JSON route of this node; the browser's cache revalidates with the ETag. */
export async function getJson<T> (path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } })
  if (!res.ok) {
    const err = await res.json().catch(() => ({ error: `HTTP_${res.status}`, message: res.statusText })) as ApiError
    throw new HttpError(res.status, err.error, err.message)
  }
  return await res.json() as T
}

export async function getText (path: string): Promise<string> {
  const res = await fetch(path)
  if (!res.ok) {
    const err = await res.json().catch(() => ({ error: `HTTP_${res.status}`, message: res.statusText })) as ApiError
    throw new HttpError(res.status, err.error, err.message)
  }
  return await res.text()
}

/** A write: the token is the one in the node's home (api.token), which the user pastes in Settings. */
export async function postJson<T> (path: string, body: unknown, token: string): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
  const json = await res.json() as T | ApiError
  if (!res.ok) {
    const err = json as ApiError
    throw new HttpError(res.status, err.error, err.message)
  }
  return json as T
}

export function query (params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s === '' ? '' : `?${s}`
}
