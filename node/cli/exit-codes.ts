/**
 * Exit statuses, kept stable for scripts (README, "Exit status"): the one
 * place an error code becomes one.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, locked: 3, notFound: 4, internal: 70 } as const

/** Another process holds what this one needs: trying again later may work. */
const LOCKED = new Set(['HOME_LOCKED', 'WORKDIR_LOCKED', 'READ_ONLY'])

/** The thing named does not exist here (yet). */
const NOT_FOUND = new Set([
  'NOT_FOUND', 'NOT_INITIALISED', 'NO_POLICY', 'SERIES_UNKNOWN', 'JOB_UNKNOWN', 'RESULT_UNKNOWN',
  'UNKNOWN_REVISION', 'SCHEDULE_UNKNOWN', 'NO_SUCH_PATCH', 'NO_RESULTS', 'RECIPE_MISSING', 'BASE_MISSING'
])

export function exitCodeOf (code: string): number {
  if (code === 'USAGE') return EXIT.usage
  if (LOCKED.has(code)) return EXIT.locked
  if (NOT_FOUND.has(code)) return EXIT.notFound
  return EXIT.failed
}
