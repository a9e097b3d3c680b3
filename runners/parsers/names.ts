import type { ParsedTest } from './types.js'
import type { Warnings } from './warnings.js'

/**
 * Make names unique, in input order: the first `x` keeps its name, later ones
 * become `x (2)`, `x (3)`... (skipping any suffix that is itself taken), so the
 * same output always yields the same names and comparisons line up.
 */
export function uniqueNames (tests: ParsedTest[], warnings?: Warnings): ParsedTest[] {
  const taken = new Set<string>()
  for (const t of tests) taken.add(t.name)
  if (taken.size === tests.length) return tests

  const seen = new Set<string>()
  const next = new Map<string, number>()
  return tests.map(t => {
    if (!seen.has(t.name)) {
      seen.add(t.name)
      return t
    }
    let n = next.get(t.name) ?? 2
    let name = `${t.name} (${n})`
    while (taken.has(name)) name = `${t.name} (${++n})`
    next.set(t.name, n + 1)
    taken.add(name)
    seen.add(name)
    warnings?.add(`duplicate test name ${JSON.stringify(t.name)} renamed to ${JSON.stringify(name)}`)
    return { ...t, name }
  })
}
