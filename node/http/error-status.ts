import type { MachinesCode } from '../../machines/error-codes.js'
import type { NixCode } from '../../nix/error-codes.js'
import type { ProtocolCode } from '../../protocol/error-codes.js'
import type { CairnCode } from '../../protocol/errors.js'
import type { NodeCode } from '../error-codes.js'

/**
 * HTTP status per error code, one exhaustive table per vocabulary the server can meet: a new
 * code fails tsc until its status is chosen here. 4xx only where the code says the request was
 * wrong; 500 where the code can reach a client only through a failure of cairn's (a route
 * passing on input it did not check, a broken store). runners/ and bridges/ sit above node/,
 * so no route can throw their codes; they, and codes read from the wire, answer 500.
 */
const PROTOCOL: Record<ProtocolCode, number> = {
  SCHEMA: 400,
  UNKNOWN_TYPE: 400,
  BUILD_IDENTITY: 500,
  CANONICAL: 500,
  DECODE: 500,
  INVALID_SIGNATURE: 500,
  MALFORMED: 500,
  NIX_BASE32: 500,
  UNKNOWN_VERSION: 500
}

const MACHINES: Record<MachinesCode, number> = {
  DECIDE: 500,
  MACHINE: 500,
  MAINTAINERS: 500,
  POLICY: 500,
  GLOB: 400
}

const NIX: Record<NixCode, number> = {
  HASH: 500,
  NAR_ABORTED: 500,
  NAR_CHANGED: 500,
  NAR_IO: 500,
  NAR_UNSUPPORTED: 500,
  STORE_DIR: 500,
  STORE_PATH_NAME: 500
}

const NODE: Record<NodeCode, number> = {
  BAD_REQUEST: 400,
  BAD_JSON: 400,
  BAD_QUERY: 400,
  BAD_CURSOR: 400,
  BAD_HASH: 400,
  BAD_ID: 400,
  UNAUTHORIZED: 401,
  REMOTE_REFUSED: 403,
  HOST_REFUSED: 403,
  NOT_FOUND: 404,
  BLOB_MISSING: 404,
  BLOB_UNREACHABLE: 503,
  UNKNOWN_REVISION: 404,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ALREADY_INITIALISED: 500,
  ALREADY_MERGED: 500,
  AMBIGUOUS: 500,
  BAD_ADDRESS: 500,
  BAD_KEY: 500,
  BLOB_CORRUPT: 500,
  CLOSED: 500,
  CONNECT_FAILED: 500,
  DAEMON_ERROR: 500,
  DAEMON_UNREACHABLE: 500,
  FEED_TRUNCATED: 500,
  GIT: 500,
  HOME_CORRUPT: 500,
  HOME_LOCKED: 500,
  BAD_LIMITS: 400,
  BAD_SCOPE: 400,
  BAD_INTERVAL: 400, // POST /api/schedules
  BAD_SCHEDULE_NAME: 400,
  BAD_SCHEDULE_AT: 400,
  BAD_SCHEDULE: 400,
  SCHEDULE_EXISTS: 409,
  SCHEDULE_UNKNOWN: 404,
  SCHEDULE_READ_ONLY: 409,
  PEER_GARBAGE: 502,
  PEER_TIMEOUT: 504,
  OWN_FEED: 400,
  INTERNAL: 500,
  JOB_AMBIGUOUS: 500,
  JOB_CANCELLED: 500,
  JOB_FINISHED: 500,
  JOB_UNFINISHED: 500,
  JOB_UNKNOWN: 500,
  KEY_CORRUPT: 500,
  KEY_PERMISSIONS: 500,
  STORE_MOVED: 500,
  LISTEN_FAILED: 500,
  NOT_ALLOWED: 500,
  NOT_A_DECISION: 500,
  NOT_FOLLOWED: 500,
  NOT_INITIALISED: 500,
  NOT_MERGEABLE: 500,
  NO_POLICY: 500,
  NO_SUCH_PATCH: 500,
  READ_ONLY: 500,
  RECOVER_FAILED: 500,
  TOKEN_CORRUPT: 500,
  USAGE: 500,
  VIEWS_BODIES: 500,
  VIEWS_REBUILT: 503
}

/** The codes a route can throw: node/'s and those of the packages node/ builds on. */
type HttpCode = ProtocolCode | MachinesCode | NixCode | NodeCode

export const HTTP_STATUS: Readonly<Record<HttpCode, number>> = { ...PROTOCOL, ...MACHINES, ...NIX, ...NODE }

export function statusFor (code: CairnCode): number {
  return Object.hasOwn(HTTP_STATUS, code) ? HTTP_STATUS[code as HttpCode] : 500
}
