import type { FastifyInstance } from 'fastify'
import { CairnError, isCairnError } from '../../../protocol/errors.js'
import { isHex32 } from '../../../protocol/hex.js'
import { blobEntry } from '../blob-index.js'
import type { RouteContext } from '../context.js'
import { notFound } from '../errors.js'
import { strictQuery } from '../query.js'

/**
 * Blobs by content hash. The hash is the only thing taken from the URL and it
 * must be 64 hex characters, so no path reaches the file system; the content
 * comes from the blobs core and is checked against the hash on read.
 */
export function blobRoutes (app: FastifyInstance, { node }: RouteContext): void {
  app.get<{ Params: { hash: string }, Querystring: { download?: string } }>('/api/blobs/:hash', {
    schema: { querystring: strictQuery({ download: { type: 'string', maxLength: 10 } }) }
  }, async (request, reply) => {
    const { hash } = request.params
    if (!isHex32(hash)) throw new CairnError('BAD_HASH', `"${String(hash).slice(0, 80)}" is not a blob hash (64 lowercase hex characters)`)
    const entry = blobEntry(node.views, hash)
    if (entry === undefined) throw notFound(`no indexed event references blob ${hash}`)
    let data: Buffer
    try {
      data = await node.blobs.get(entry.ref)
    } catch (err) {
      if (isCairnError(err, 'NOT_FOLLOWED') || isCairnError(err, 'BLOB_MISSING')) throw new CairnError('BLOB_MISSING', `blob ${hash} (core ${entry.ref.core}) is not on this node yet; sync with a peer that has it`)
      throw err
    }
    const text = isText(data)
    // Never let a browser render stored content as a page: text is plain,
    // anything else a download, and a sandbox CSP for good measure.
    void reply
      .header('content-type', text ? 'text/plain; charset=utf-8' : 'application/octet-stream')
      .header('content-disposition', `${text && request.query.download === undefined ? 'inline' : 'attachment'}; filename="${hash}${text ? '.txt' : '.bin'}"`)
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'public, max-age=31536000, immutable') // content-addressed: never changes
      .header('x-cairn-event', entry.event)
    return data
  })
}

/** Valid UTF-8 without NUL bytes: diffs, logs and mails; anything else is served as bytes. */
function isText (data: Buffer): boolean {
  if (data.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data)
    return true
  } catch {
    return false
  }
}
