/** The statuses that make a run fail (protocol/results.ts holds the rules; the report itself is rendered by the node). */
const FAILING = new Set(['fail', 'error', 'xpass'])

export function isFailing (status: string): boolean {
  return FAILING.has(status)
}
