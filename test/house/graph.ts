import { dirname, join, normalize } from 'node:path/posix'
import type { Import, Source } from './source.js'

/** One import between two files of the tree. */
export interface Edge { from: string, to: string, imp: Import }

/** The file a relative specifier names ('./x.js' is x.ts), or null for a package or a file not in the tree. */
function resolveImport (from: string, specifier: string, files: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('.')) return null
  const base = normalize(join(dirname(from), specifier))
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, `${base}/index.ts`]) {
    if (files.has(candidate)) return candidate
  }
  return null
}

export function edgesOf (sources: readonly Source[]): Edge[] {
  const files = new Set(sources.map((s) => s.path))
  return sources.flatMap((s) => s.imports.flatMap((imp) => {
    const to = resolveImport(s.path, imp.from, files)
    return to === null ? [] : [{ from: s.path, to, imp }]
  }))
}

/** One cycle per strongly connected group of files (Tarjan), as the path of imports around it. */
export function findCycles (edges: readonly Edge[]): Edge[][] {
  const out = new Map<string, Edge[]>()
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e])
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  const connect = (v: string): void => {
    index.set(v, index.size)
    low.set(v, index.get(v) as number)
    stack.push(v)
    onStack.add(v)
    for (const { to } of out.get(v) ?? []) {
      if (!index.has(to)) {
        connect(to)
        low.set(v, Math.min(low.get(v) as number, low.get(to) as number))
      } else if (onStack.has(to)) {
        low.set(v, Math.min(low.get(v) as number, index.get(to) as number))
      }
    }
    if (low.get(v) !== index.get(v)) return
    const group: string[] = []
    let w: string
    do {
      w = stack.pop() as string
      onStack.delete(w)
      group.push(w)
    } while (w !== v)
    if (group.length > 1 || (out.get(v) ?? []).some((e) => e.to === v)) groups.push(group)
  }
  for (const file of [...out.keys()].sort()) if (!index.has(file)) connect(file)
  return groups.map((group) => cycleIn(new Set(group), out))
}

/** A shortest way back to the group's first file (breadth first), inside the group. */
function cycleIn (group: ReadonlySet<string>, out: ReadonlyMap<string, Edge[]>): Edge[] {
  const start = [...group].sort()[0] as string
  const via = new Map<string, Edge>()
  const queue = [start]
  for (let i = 0; i < queue.length; i++) {
    for (const e of out.get(queue[i] as string) ?? []) {
      if (!group.has(e.to) || via.has(e.to)) continue
      via.set(e.to, e)
      if (e.to === start) {
        const path: Edge[] = []
        for (let at: Edge | undefined = e; at !== undefined; at = at.from === start ? undefined : via.get(at.from)) path.unshift(at)
        return path
      }
      queue.push(e.to)
    }
  }
  return []
}
