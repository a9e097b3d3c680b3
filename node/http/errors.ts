import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { CairnError, isCairnError } from '../../protocol/errors.js'
import { statusFor } from './error-status.js'

/** The JSON every error response carries: a stable code and a message saying what was wrong. */
interface ErrorBody { error: string, message: string }

/** CairnError messages start with "CODE: "; the API carries the code separately, so strip it. */
function bare (err: CairnError): string {
  const prefix = `${err.code}: `
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message
}

/** Fastify's own errors (bad JSON, body too large, wrong content type) mapped onto cairn codes. */
function fromFastify (err: FastifyError): CairnError {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new CairnError('BAD_JSON', `request body is not JSON: ${err.message}`)
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new CairnError('TOO_LARGE', err.message)
    case 'FST_ERR_VALIDATION':
      return new CairnError(err.validationContext === 'body' ? 'SCHEMA' : 'BAD_QUERY', err.message)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new CairnError('UNSUPPORTED_MEDIA_TYPE', `${err.message}; send Content-Type: application/json`)
    default:
      if (err.statusCode !== undefined && err.statusCode < 500) return new CairnError('BAD_REQUEST', err.message)
      return new CairnError('INTERNAL', err.message, { cause: err })
  }
}

export function toErrorBody (err: unknown): { status: number, body: ErrorBody } {
  let e: CairnError
  if (isCairnError(err)) e = err
  else if (err instanceof Error && typeof (err as FastifyError).code === 'string' && (err as FastifyError).code.startsWith('FST_')) e = fromFastify(err as FastifyError)
  else if (err instanceof SyntaxError) e = new CairnError('BAD_JSON', `request body is not JSON: ${err.message}`)
  else e = new CairnError('INTERNAL', err instanceof Error ? err.message : String(err))
  return { status: statusFor(e.code), body: { error: e.code, message: bare(e) } }
}

export function errorHandler (log: (msg: string) => void) {
  return async function (err: unknown, request: FastifyRequest, reply: FastifyReply): Promise<ErrorBody> {
    const { status, body } = toErrorBody(err)
    if (status >= 500) log(`http: ${request.method} ${request.url}: ${body.message}`)
    if (status === 401) void reply.header('www-authenticate', 'Bearer realm="cairn"')
    return await reply.code(status).type('application/json; charset=utf-8').send(body)
  }
}

export function notFound (what: string): CairnError {
  return new CairnError('NOT_FOUND', what)
}
