/**
 * One error class for all of cairn, with a stable machine-readable code.
 * The message starts with the code (hypercore-errors style) and names the
 * input that was wrong (feed, seq, Message-ID, path) so a user can act on it.
 */
export class CairnError extends Error {
  override name = 'CairnError'
  readonly code: string

  constructor (code: string, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options)
    this.code = code
  }
}

/** Narrowing helper for catch blocks: `if (isCairnError(err, 'SCHEMA')) ...` */
export function isCairnError (err: unknown, code?: string): err is CairnError {
  return err instanceof CairnError && (code === undefined || err.code === code)
}
