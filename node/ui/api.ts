/**
 * The node's JSON API as the UI uses it. These shapes mirror node/http/
 * (the UI is compiled on its own, for the browser, so it restates them).
 */
export interface EventJson {
  id: string
  type: string
  author: string
  ts: number
  refs: string[]
  body: Record<string, unknown>
  feed: string
  seq: number
}

export interface FeedJson {
  key: string
  kind: 'events' | 'blobs'
  hops: number
  length: number
  contiguous: number
  indexed: number | null
  peers: number
  author: string | null
  name: string | null
  own: boolean
  missing: number
  unindexed: number
}

export interface StatusJson {
  identity: string
  feed: string
  blobs: string
  name: string
  events: number
  rejected: number
  ownMissingBlocks: number
  feeds: FeedJson[]
  types: Record<string, number>
  trusted: number
  identities: number
}

export interface PeerJson {
  key: string
  via: string | null
  address: string | null
  cores: Array<{ key: string, kind: string, remoteLength: number | null, localLength: number }>
}

export interface EventDetail {
  event: EventJson
  signed: { payload: string, sig: string, index: number } | null
  authorName: string | null
  authorRoles: string[]
  referencedBy: string[]
}

export interface TestJson { name: string, status: string, duration?: number, detail?: string }

export interface ResultRow {
  id: string
  author: string
  ts: number
  body: { job?: string, build: string, testRun: string, verdict: string, logs: Array<{ name: string, blob: { hash: string, length: number } }>, environment: Record<string, string>, message?: string }
  total: number
  counts: Record<string, number>
  failing: string[]
}

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
