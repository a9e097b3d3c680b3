import type { Crypto } from './crypto.js'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './crypto.js'
import { pack, unpackExact } from './codec.js'
import { holdsAt, NOT_PROVEN, packedValueEnd } from './packed-form.js'
import { CairnError } from './errors.js'
import { fromHex, toHex } from './hex.js'
import { checkBodyValue } from './limits.js'
import type { BodyOf, EventType } from './schemas.js'
import { bodySchema, isEventType } from './schemas.js'

const EVENT_VERSION = 1
/** Signatures cover this prefix and the payload, so an event signature can never be replayed as another kind of signed message. */
export const SIGN_DOMAIN = new TextEncoder().encode('cairn/event/v1')

/** What is stored and relayed: the exact payload bytes and the identity's signature over them. */
export interface Signed {
  payload: Uint8Array
  sig: Uint8Array
}

/** An event as the API shows it: keys and ids in lowercase hex. */
export interface CairnEvent<T extends EventType = EventType> {
  id: string
  type: T
  author: string
  ts: number
  refs: string[]
  body: BodyOf<T>
}

export type AnyEvent = { [T in EventType]: CairnEvent<T> }[EventType]

export interface Draft<T extends EventType = EventType> {
  type: T
  body: BodyOf<T>
  refs?: string[]
  ts?: number
}

/** Reused for every signature: a fresh buffer per event cost as much as hashing it. */
let scratch = new Uint8Array(0)

/** SIGN_DOMAIN || payload, valid only until the next call (sign and verify are synchronous). */
function signingBytes (payload: Uint8Array): Uint8Array {
  const need = SIGN_DOMAIN.byteLength + payload.byteLength
  if (scratch.byteLength < need) {
    scratch = new Uint8Array(Math.max(need, 2 * scratch.byteLength, 4096))
    scratch.set(SIGN_DOMAIN, 0)
  }
  scratch.set(payload, SIGN_DOMAIN.byteLength)
  return scratch.subarray(0, need)
}

export function eventId (signed: Signed, crypto: Crypto): string {
  return toHex(crypto.blake2b256(signed.payload, signed.sig))
}

/** Validate a draft's body (protocol/limits.ts, then its schema) and refs; throws SCHEMA or UNKNOWN_TYPE naming the field. */
export function validateDraft (type: string, body: unknown, refs: readonly string[] = []): void {
  if (!isEventType(type)) throw new CairnError('UNKNOWN_TYPE', `unknown event type "${type}"`)
  checkBodyValue(type, body) // first: the schema check itself overflows the stack on a deep body
  for (const ref of refs) {
    if (fromHex(ref, 32) === null) throw new CairnError('SCHEMA', `${type}: ref "${ref}" is not an EventId (64 lowercase hex characters)`)
  }
  const result = bodySchema(type).safeParse(body)
  if (!result.success) {
    const issue = result.error.issues[0]
    const where = issue !== undefined && issue.path.length > 0 ? issue.path.join('.') : 'body'
    throw new CairnError('SCHEMA', `${type}: ${where}: ${issue?.message ?? 'invalid'}`)
  }
}

/** Validate a draft and encode its payload. Key order is fixed (v, type, author, ts, refs, body): golden tests pin the bytes. */
export function encodeDraft (draft: Draft, author: Uint8Array): { payload: Uint8Array, ts: number } {
  const refs = draft.refs ?? []
  validateDraft(draft.type, draft.body, refs)
  const ts = draft.ts ?? Date.now()
  const payload = pack({
    v: EVENT_VERSION,
    type: draft.type,
    author,
    ts,
    refs: refs.map((r) => fromHex(r, 32)),
    body: draft.body
  })
  return { payload, ts }
}

/** Sign an encoded payload with the identity's secret key. */
export function sealPayload (payload: Uint8Array, secretKey: Uint8Array, crypto: Crypto): Signed {
  return { payload, sig: crypto.sign(signingBytes(payload), secretKey) }
}

/** Validate, encode and sign a draft. */
export function signEvent<T extends EventType> (draft: Draft<T>, keyPair: { publicKey: Uint8Array, secretKey: Uint8Array }, crypto: Crypto): { signed: Signed, event: CairnEvent<T> } {
  const { payload, ts } = encodeDraft(draft, keyPair.publicKey)
  const signed = sealPayload(payload, keyPair.secretKey, crypto)
  const event = { id: eventId(signed, crypto), type: draft.type, author: toHex(keyPair.publicKey), ts, refs: [...(draft.refs ?? [])], body: draft.body }
  return { signed, event }
}

/** fixstr "body": the payload's last key in encodeDraft's order. */
const BODY_KEY = Uint8Array.of(0xa4, 0x62, 0x6f, 0x64, 0x79)
const DRAFT_KEYS = ['v', 'type', 'author', 'ts', 'refs', 'body']
/** Each key of encodeDraft's order as a fixstr, as the payload holds it. */
const DRAFT_KEY_BYTES = DRAFT_KEYS.map((k) => Buffer.from([0xa0 | k.length, ...Buffer.from(k)]))

/**
 * Whether the decoded payload `p` packs back to exactly `payload` (what log
 * and the API show must be what was signed: msgpack read leniently, e.g. a
 * repeated key, a number or nil as a key, invalid UTF-8 or `__proto__`,
 * shows something else). Returns where the body starts when the keys are in
 * encodeDraft's order (the views store those bytes rather than packing the
 * body again), null when the order is another, false when it does not read
 * back. Proven from the bytes (packed-form.ts) when it can be, else packed
 * again, head and body apart, and compared.
 */
function readsBack (p: Record<string, unknown>, payload: Uint8Array): number | null | false {
  const proven = provenBodyStart(payload)
  if (proven !== NOT_PROVEN) return proven
  const keys = Object.keys(p)
  if (keys.length !== DRAFT_KEYS.length || keys.some((k, i) => k !== DRAFT_KEYS[i])) return sameBytes(pack(p), payload) ? null : false
  const head = pack({ v: p.v, type: p.type, author: p.author, ts: p.ts, refs: p.refs })
  const start = head.byteLength + BODY_KEY.byteLength
  const body = pack(p.body)
  return head[0] === 0x85 && payload[0] === 0x86 && payload.byteLength === start + body.byteLength &&
    Buffer.compare(payload.subarray(1, head.byteLength), head.subarray(1)) === 0 &&
    Buffer.compare(payload.subarray(head.byteLength, start), BODY_KEY) === 0 &&
    Buffer.compare(payload.subarray(start), body) === 0 && start
}

/** Where the body starts, when `payload` is proven to be in pack's form with encodeDraft's keys in order; NOT_PROVEN otherwise. */
function provenBodyStart (payload: Uint8Array): number {
  if (payload[0] !== 0x86) return NOT_PROVEN
  let at = 1
  let bodyStart = NOT_PROVEN
  for (const key of DRAFT_KEY_BYTES) {
    if (!holdsAt(payload, at, key)) return NOT_PROVEN
    at += key.byteLength
    bodyStart = at // the last key is the body's
    at = packedValueEnd(payload, at, 1)
    if (at === NOT_PROVEN) return NOT_PROVEN
  }
  return at === payload.byteLength ? bodyStart : NOT_PROVEN
}

function isBytes (x: unknown, length?: number): x is Uint8Array {
  return x instanceof Uint8Array && (length === undefined || x.byteLength === length)
}

/**
 * Check one stored event completely: decodable payload, known version,
 * well-formed envelope, valid signature by its author, body that fits its
 * schema. Throws CairnError with DECODE, UNKNOWN_VERSION, MALFORMED,
 * INVALID_SIGNATURE, UNKNOWN_TYPE or SCHEMA.
 */
export function openEvent (signed: unknown, crypto: Crypto): AnyEvent {
  return readEvent(signed, crypto, true).event
}

/**
 * openEvent, and where the body lies in the payload: pack(event.body) is
 * payload.subarray(bodyStart) (null when the payload's keys are not in
 * encodeDraft's order). Without `verify`, no signature is checked: for bytes
 * this node verified before or signed itself, which the caller must match
 * by EventId (an EventId covers payload and signature).
 */
export function readEvent (signed: unknown, crypto: Crypto, verify: boolean): { event: AnyEvent, bodyStart: number | null } {
  if (typeof signed !== 'object' || signed === null) throw new CairnError('MALFORMED', 'signed event is not a map')
  const { payload, sig } = signed as Partial<Signed>
  if (!isBytes(payload)) throw new CairnError('MALFORMED', 'signed event has no payload bytes')
  if (!isBytes(sig, SIGNATURE_BYTES)) throw new CairnError('MALFORMED', `signature is not ${SIGNATURE_BYTES} bytes`)
  const decoded = unpackExact(payload, 'event payload')
  if (typeof decoded !== 'object' || decoded === null) throw new CairnError('MALFORMED', 'event payload is not a map')
  const bodyStart = readsBack(decoded as Record<string, unknown>, payload)
  if (bodyStart === false) throw new CairnError('MALFORMED', 'event payload does not read back as the bytes signed (a repeated or non-string map key, invalid UTF-8, a __proto__ key, or a non-canonical encoding)')
  const p = decoded as Record<string, unknown>
  if (p.v !== EVENT_VERSION) throw new CairnError('UNKNOWN_VERSION', `event version ${String(p.v)} is not supported (this node reads v${EVENT_VERSION})`)
  if (!isBytes(p.author, PUBLIC_KEY_BYTES)) throw new CairnError('MALFORMED', 'author is not a 32-byte public key')
  if (typeof p.ts !== 'number' || !Number.isSafeInteger(p.ts)) throw new CairnError('MALFORMED', 'ts is not an integer')
  if (!Array.isArray(p.refs) || !p.refs.every((r) => isBytes(r, 32))) throw new CairnError('MALFORMED', 'refs is not a list of 32-byte EventIds')
  if (typeof p.type !== 'string') throw new CairnError('MALFORMED', 'type is not a string')
  if (verify && !crypto.verify(sig, signingBytes(payload), p.author)) {
    throw new CairnError('INVALID_SIGNATURE', `signature does not verify for author ${toHex(p.author)}`)
  }
  const refs = (p.refs as Uint8Array[]).map(toHex)
  validateDraft(p.type, p.body, refs)
  const event = {
    id: eventId({ payload, sig }, crypto),
    type: p.type,
    author: toHex(p.author),
    ts: p.ts,
    refs,
    body: p.body
  } as AnyEvent
  return { event, bodyStart }
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0
}
