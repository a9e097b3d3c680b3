import { Packr } from 'msgpackr'
import { CairnError } from './errors.js'

/**
 * One msgpackr configuration for everything that is signed or stored:
 * plain maps (no records, no shared structures) so the bytes depend only on
 * the value and its key order, and any msgpack implementation can read them.
 */
const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true, variableMapSize: true })

export function pack (value: unknown): Uint8Array {
  return packr.pack(value)
}

/** Decode exactly one msgpack value filling `bytes`; trailing or missing bytes are an error. */
export function unpackExact (bytes: Uint8Array, what: string): unknown {
  let values: unknown[]
  try {
    values = packr.unpackMultiple(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as unknown[]
  } catch (err) {
    throw new CairnError('DECODE', `${what} is not valid msgpack (${(err as Error).message})`, { cause: err })
  }
  if (values.length !== 1) throw new CairnError('DECODE', `${what} holds ${values.length} msgpack values, expected 1`)
  return values[0]
}
