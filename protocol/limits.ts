import { CairnError } from './errors.js'

/*
 * What an event body may hold beyond its schema (bodies keep unknown extra
 * fields, so the schema alone bounds nothing there). Checked when a body is
 * posted and again when an event is received, before the schema runs:
 *
 * - size and nesting: a deep body overflowed the stack in the schema check
 *   and the encoder (INTERNAL and a 500), a huge one costs every node that
 *   carries it;
 * - exact round trip: what `log` and the API show must be the signed bytes.
 *   msgpack renames a `__proto__` key, turns lone surrogates into U+FFFD,
 *   keeps Infinity and -0 that JSON shows as null and 0, and bytes or other
 *   objects come back as something else; integers past 2^53 were already
 *   rounded by the JSON parser that read them.
 */

/** Deepest nesting of maps and lists in a body (the schemas need fewer than 8). */
export const BODY_MAX_DEPTH = 64
/** Largest body, counted as UTF-16 units of its strings and keys plus 8 per value. */
export const BODY_MAX_SIZE = 8 * 1024 * 1024

const LONE_SURROGATE = /\p{Cs}/u

/** Throws SCHEMA naming the path to the first value that is too deep, too large or would not round-trip. */
export function checkBodyValue (type: string, body: unknown): void {
  const size = { left: BODY_MAX_SIZE }
  walk(body, ['body'], 0, size, type)
}

function fail (type: string, path: readonly string[], why: string): never {
  const shown = path.length > 12 ? [...path.slice(0, 6), '...', ...path.slice(-4)] : path
  throw new CairnError('SCHEMA', `${type}: ${shown.join('.')}: ${why}`)
}

function walk (value: unknown, path: string[], depth: number, size: { left: number }, type: string): void {
  size.left -= 8
  if (size.left < 0) fail(type, path, `the body is larger than the limit of ${BODY_MAX_SIZE} bytes`)
  switch (typeof value) {
    case 'boolean': return
    case 'string':
      size.left -= value.length
      if (size.left < 0) fail(type, path, `the body is larger than the limit of ${BODY_MAX_SIZE} bytes`)
      if (LONE_SURROGATE.test(value)) fail(type, path, 'holds a lone UTF-16 surrogate, which UTF-8 cannot carry')
      return
    case 'number':
      if (!Number.isFinite(value)) fail(type, path, `${String(value)} is not a finite number`)
      if (Object.is(value, -0)) fail(type, path, '-0 would read back as 0')
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) fail(type, path, `${value} is past 2^53: the integer was rounded when it was read`)
      return
    case 'object':
      if (value === null) return
      break
    default:
      fail(type, path, `a ${typeof value} has no encoding`)
  }
  if (depth >= BODY_MAX_DEPTH) fail(type, path, `nested deeper than the limit of ${BODY_MAX_DEPTH} levels`)
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (item === undefined) fail(type, [...path, String(i)], 'undefined has no encoding in a list')
      walk(item, [...path, String(i)], depth + 1, size, type)
    })
    return
  }
  const proto = Object.getPrototypeOf(value) as unknown
  if (proto !== Object.prototype && proto !== null) fail(type, path, 'is not a plain map (bytes and objects do not read back as they were)')
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__') fail(type, [...path, key], 'the key __proto__ does not survive encoding')
    if (LONE_SURROGATE.test(key)) fail(type, path, 'a key holds a lone UTF-16 surrogate, which UTF-8 cannot carry')
    size.left -= key.length
    if (item !== undefined) walk(item, [...path, key], depth + 1, size, type)
  }
}
