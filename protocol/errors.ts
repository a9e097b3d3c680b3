import type { ProtocolCode } from './error-codes.js'

/**
 * The error codes CairnError accepts, one vocabulary per package. protocol/ names its own here;
 * each package above adds its vocabulary (its error-codes.ts) by declaration merging, so every
 * code is declared once, beside the code that throws it, a misspelt code fails tsc, and
 * protocol/ still imports nothing of ours.
 */
export interface ErrorVocabularies {
  protocol: ProtocolCode
}

/** Any code declared in some package's vocabulary. */
export type CairnCode = ErrorVocabularies[keyof ErrorVocabularies]

/**
 * One error class for all of cairn, with a stable machine-readable code.
 * The message starts with the code (hypercore-errors style) and names the
 * input that was wrong (feed, seq, Message-ID, path) so a user can act on it.
 */
export class CairnError extends Error {
  override name = 'CairnError'
  readonly code: CairnCode

  constructor (code: CairnCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options)
    this.code = code
  }
}

/** Narrowing helper for catch blocks: `if (isCairnError(err, 'SCHEMA')) ...` */
export function isCairnError (err: unknown, code?: CairnCode): err is CairnError {
  return err instanceof CairnError && (code === undefined || err.code === code)
}

/**
 * A code read back from another process (a crypto worker, the daemon's HTTP answer): declared by
 * the cairn that sent it, which may be a newer one, so it is taken as is rather than checked.
 */
export function wireCode (code: string): CairnCode {
  return code as CairnCode
}
