import test from 'brittle'
import { join } from 'node:path'
import { EMAIL_CODES } from '../../bridges/email/error-codes.js'
import { MACHINES_CODES } from '../../machines/error-codes.js'
import { NIX_CODES } from '../../nix/error-codes.js'
import { NODE_CODES } from '../../node/error-codes.js'
import { HTTP_STATUS, statusFor } from '../../node/http/error-status.js'
import { toErrorBody } from '../../node/http/errors.js'
import { PROTOCOL_CODES } from '../../protocol/error-codes.js'
import { CairnError, isCairnError } from '../../protocol/errors.js'
import type { CairnCode } from '../../protocol/errors.js'
import { RUNNERS_CODES } from '../../runners/error-codes.js'
import { cairn } from '../helpers/cli.js'

/** The vocabularies a route can throw from (node/ and below), and those above node/ it cannot. */
const SERVED = { protocol: PROTOCOL_CODES, machines: MACHINES_CODES, nix: NIX_CODES, node: NODE_CODES }
const ABOVE_NODE = { runners: RUNNERS_CODES, email: EMAIL_CODES }
const ALL: Record<string, Record<string, string>> = { ...SERVED, ...ABOVE_NODE }

test('error codes: each declared once, in one vocabulary, with a one-line meaning', (t) => {
  const owner = new Map<string, string>()
  for (const [pkg, codes] of Object.entries(ALL)) {
    for (const [code, meaning] of Object.entries(codes)) {
      const first = owner.get(code)
      t.is(first, undefined, `${code} is declared by ${pkg}${first === undefined ? '' : ` and by ${first}`}`)
      owner.set(code, pkg)
      t.ok(/^[A-Z][A-Z0-9_]*$/.test(code), `${code}: UPPER_SNAKE`)
      t.ok(meaning.length > 0 && !meaning.includes('\n'), `${code}: one-line meaning`)
    }
  }
})

test('error codes: every code has an HTTP status', (t) => {
  const served = new Set(Object.values(SERVED).flatMap((codes) => Object.keys(codes)))
  for (const code of served) {
    const status = Object.hasOwn(HTTP_STATUS, code) ? (HTTP_STATUS as Record<string, number>)[code] : undefined
    t.ok(status !== undefined && Number.isInteger(status) && status >= 400 && status < 600, `${code}: ${String(status)}`)
  }
  t.alike(Object.keys(HTTP_STATUS).filter((code) => !served.has(code)), [], 'the table maps declared codes only')
  for (const code of Object.values(ABOVE_NODE).flatMap((codes) => Object.keys(codes))) {
    t.is(statusFor(code as CairnCode), 500, `${code}: above node/, no route throws it: 500`)
  }
})

test('error codes: the HTTP answer carries the code and its status', (t) => {
  t.alike(toErrorBody(new CairnError('BAD_ID', '"x" is not an EventId')), { status: 400, body: { error: 'BAD_ID', message: '"x" is not an EventId' } })
  t.is(toErrorBody(new CairnError('UNKNOWN_REVISION', 'r')).status, 404)
  t.is(toErrorBody(new Error('boom')).body.error, 'INTERNAL')
})

test('error codes: a code no vocabulary declares fails tsc', (t) => {
  // @ts-expect-error NOT_A_CODE is in no vocabulary: tsc fails here if CairnError takes any string again
  const err = new CairnError('NOT_A_CODE', 'x')
  // @ts-expect-error the same for isCairnError's code
  t.absent(isCairnError(err, 'SHCEMA'))
  t.ok(isCairnError(err), 'the check is at compile time only: a code read from the wire passes through')
})

test('CLI exit codes: USAGE exits 2, any other CairnError 1', async (t) => {
  const home = join(await t.tmp(), 'h')
  const usage = cairn(home, 'init')
  t.is(usage.status, 2, usage.stderr.split('\n')[0])
  t.ok(usage.stderr.startsWith('cairn: USAGE: '), 'printed as cairn: CODE: message')
  t.is(cairn(home, 'init', '--name', 'x').status, 0)
  const other = cairn(home, 'follow', 'xyz')
  t.is(other.status, 1, other.stderr.split('\n')[0])
  t.ok(other.stderr.startsWith('cairn: BAD_KEY: '), 'printed as cairn: CODE: message')
})
