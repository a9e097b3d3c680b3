import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { CairnError } from '../../protocol/errors.js'
import { fromHex, toHex } from '../../protocol/hex.js'
import { assertPrivate, writeFileAtomic } from '../storage/home.js'

const TOKEN_BYTES = 32

/**
 * The API token guards every write: 32 random bytes in hex, in the home with
 * mode 0600, created on first start. A token others can read is refused (as
 * the identity key is): whoever reads it can post as this node.
 */
export function loadOrCreateToken (path: string): string {
  if (!existsSync(path)) writeFileAtomic(path, `${toHex(randomBytes(TOKEN_BYTES))}\n`, 0o600)
  assertPrivate(path)
  const token = readFileSync(path, 'utf8').trim()
  if (fromHex(token, TOKEN_BYTES) === null) throw new CairnError('TOKEN_CORRUPT', `${path} does not hold a ${TOKEN_BYTES}-byte hex token; remove it and restart to get a new one`)
  return token
}

/** `Authorization: Bearer TOKEN`, compared in constant time. */
export function checkBearer (header: string | undefined, token: string): void {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  const given = Buffer.from(m?.[1] ?? '')
  const want = Buffer.from(token)
  if (given.byteLength !== want.byteLength || !timingSafeEqual(given, want)) {
    throw new CairnError('UNAUTHORIZED', m === null
      ? 'writes need the node\'s API token: Authorization: Bearer $(cat HOME/api.token)'
      : 'the API token does not match this node\'s api.token')
  }
}
