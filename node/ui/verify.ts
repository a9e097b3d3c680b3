import sodium from 'libsodium-wrappers'
import type { EventDetail } from './api.js'
import { decodeMsgpack } from './msgpack.js'

/** Signatures cover this prefix and the payload (protocol/event.ts). */
const SIGN_DOMAIN = new TextEncoder().encode('cairn/event/v1')

interface Check { what: string, ok: boolean }

export interface Provenance {
  ok: boolean
  checks: Check[]
  /** The payload as signed, decoded here: what the page shows. */
  signed: { v: unknown, type: unknown, author: string, ts: unknown, refs: string[], body: unknown } | null
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength)
  out.set(a, 0)
  out.set(b, a.byteLength)
  return out
}

/** Bytes inside a body (none today) shown as hex, as the API does. */
function plain (value: unknown): unknown {
  if (value instanceof Uint8Array) return sodium.to_hex(value)
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  return value
}

/** Key order does not matter for "the same body": compare canonically. */
function canonical (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/**
 * Check an event here, in the browser, without trusting the node: the
 * ed25519 signature over 'cairn/event/v1' || payload by the author key in
 * the payload, the EventId = blake2b-256(payload || sig), and that the
 * payload says what the API says (type, author, ts, refs, body).
 */
export async function verifyEvent (detail: EventDetail): Promise<Provenance> {
  await sodium.ready
  if (detail.signed === null) return { ok: false, checks: [{ what: 'signed bytes are available from this node', ok: false }], signed: null }
  const payload = sodium.from_hex(detail.signed.payload)
  const sig = sodium.from_hex(detail.signed.sig)
  const checks: Check[] = []
  let decoded: Record<string, unknown> | null = null
  try {
    const d = decodeMsgpack(payload)
    if (typeof d === 'object' && d !== null && !Array.isArray(d) && !(d instanceof Uint8Array)) decoded = d as Record<string, unknown>
  } catch {}
  checks.push({ what: 'payload decodes as a cairn event', ok: decoded !== null })
  const author = decoded?.author instanceof Uint8Array && decoded.author.byteLength === 32 ? decoded.author : null
  let sigOk = false
  try {
    sigOk = author !== null && sig.byteLength === 64 && sodium.crypto_sign_verify_detached(sig, concat(SIGN_DOMAIN, payload), author)
  } catch {}
  checks.push({ what: 'ed25519 signature by the author key', ok: sigOk })
  const id = sodium.to_hex(sodium.crypto_generichash(32, concat(payload, sig), null))
  checks.push({ what: 'EventId = blake2b-256(payload ‖ signature)', ok: id === detail.event.id })
  const refs = Array.isArray(decoded?.refs) ? (decoded.refs as unknown[]).map((r) => r instanceof Uint8Array ? sodium.to_hex(r) : '') : []
  const e = detail.event
  const same = decoded !== null && author !== null &&
    decoded.type === e.type && sodium.to_hex(author) === e.author && decoded.ts === e.ts &&
    canonical(refs) === canonical(e.refs) && canonical(plain(decoded.body)) === canonical(e.body)
  checks.push({ what: 'signed payload matches what the node reports (type, author, time, refs, body)', ok: same })
  const signed = decoded === null || author === null
    ? null
    : { v: decoded.v, type: decoded.type, author: sodium.to_hex(author), ts: decoded.ts, refs, body: plain(decoded.body) }
  return { ok: checks.every((c) => c.ok), checks, signed }
}
