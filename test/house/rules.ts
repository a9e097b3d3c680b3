import { edgesOf, findCycles } from './graph.js'
import type { Edge } from './graph.js'
import type { Source } from './source.js'

/**
 * The house rules of docs/architecture.md, checked over parsed sources. Each
 * failure is one line naming file:line and the rule it breaks.
 */
const MAX_FILE_LINES = 450
const MAX_FUNCTION_LINES = 120

type Layer = 'protocol' | 'machines' | 'nix' | 'node' | 'node/cli' | 'node/ui' | 'runners' | 'bridges' | 'test'

/**
 * Which layers each layer may import (its own always), as DESIGN.md §1 and
 * docs/architecture.md state them: node/cli/ is the composition root;
 * node/ui/ is browser code built by its own tsconfig, which nothing imports.
 */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  protocol: [],
  machines: ['protocol'],
  nix: ['protocol'],
  node: ['protocol', 'machines', 'nix'],
  runners: ['node', 'protocol', 'nix'],
  bridges: ['node', 'protocol', 'machines', 'nix'],
  'node/cli': ['node', 'protocol', 'machines', 'nix', 'runners', 'bridges'],
  'node/ui': [],
  test: ['protocol', 'machines', 'nix', 'node', 'node/cli', 'runners', 'bridges']
}

/** node/ui/ may take the wire types (and only types) from node/wire/: the browser shares their shape, not their code. */
const UI_WIRE = 'node/wire/'

/** Files whose exports are not imported by another file: commands, browser and worker entries, benchmarks, tests, child processes. */
const ROOTS = [
  /^node\/cli\/main\.ts$/,
  /^node\/ui\/main\.ts$/,
  /^node\/crypto\/worker\.ts$/,
  /^bridges\/email\/parse\/mailinfo-cli\.ts$/,
  /^test\/bench\//,
  /\.test\.ts$/,
  /-child\.ts$/
]

function layerOf (path: string): Layer | null {
  if (path.startsWith('node/cli/')) return 'node/cli'
  if (path.startsWith('node/ui/')) return 'node/ui'
  const top = path.split('/')[0]
  return top === 'protocol' || top === 'machines' || top === 'nix' || top === 'node' || top === 'runners' || top === 'bridges' || top === 'test' ? top : null
}

export function checkLayers (edges: readonly Edge[]): string[] {
  const failures: string[] = []
  for (const { from, to, imp } of edges) {
    const a = layerOf(from)
    const b = layerOf(to)
    if (a === null || b === null || a === b || MAY_IMPORT[a].includes(b)) continue
    if (a === 'node/ui' && to.startsWith(UI_WIRE) && imp.typeOnly) continue
    const rule = a === 'node/ui' ? 'node/ui/ imports only node/ui/ (and types from node/wire/)' : `${a}/ may import only ${[a, ...MAY_IMPORT[a]].map((l) => `${l}/`).join(', ')}`
    failures.push(`${from}:${imp.line}: layering: imports ${to}; ${rule}`)
  }
  return failures
}

export function checkCycles (edges: readonly Edge[]): string[] {
  return findCycles(edges).map((cycle) => {
    const [first] = cycle as [Edge]
    const path = cycle.map((e) => `${e.from}:${e.imp.line}`).join(' -> ')
    return `${first.from}:${first.imp.line}: import cycle: ${path} -> ${first.from}`
  })
}

export function checkSizes (sources: readonly Source[]): string[] {
  const failures: string[] = []
  for (const s of sources) {
    if (s.generated) continue
    if (s.lines > MAX_FILE_LINES) failures.push(`${s.path}:1: size: ${s.lines} lines; no file over ${MAX_FILE_LINES}`)
    for (const fn of s.functions) {
      if (fn.lines > MAX_FUNCTION_LINES) failures.push(`${s.path}:${fn.line}: size: function ${fn.name} is ${fn.lines} lines; no function over ${MAX_FUNCTION_LINES}`)
    }
  }
  return failures
}

export function checkDeadExports (sources: readonly Source[], edges: readonly Edge[]): string[] {
  const taken = new Map<string, Set<string>>()
  for (const { to, imp } of edges) {
    const names = taken.get(to) ?? new Set<string>()
    for (const name of imp.names) names.add(name)
    taken.set(to, names)
  }
  const failures: string[] = []
  for (const s of sources) {
    if (ROOTS.some((root) => root.test(s.path))) continue
    const names = taken.get(s.path) ?? new Set<string>()
    if (names.has('*')) continue
    const seen = new Set<string>()
    for (const e of s.exports) {
      if (names.has(e.name) || seen.has(e.name)) continue
      seen.add(e.name) // an overloaded function exports its name more than once
      failures.push(`${s.path}:${e.line}: dead export: ${e.name} is imported by no file; make it module-private or delete it`)
    }
  }
  return failures
}

/** Every rule over a whole tree. */
export function checkAll (sources: readonly Source[]): string[] {
  const edges = edgesOf(sources)
  return [...checkLayers(edges), ...checkCycles(edges), ...checkSizes(sources), ...checkDeadExports(sources, edges)]
}
