/**
 * The TAP/KTAP reader shared by the TAP and kselftest parsers: one pass over
 * the lines (TapReader: a stack of streams keyed by indentation for TAP 14
 * subtests and KTAP nesting, YAML blocks, plans, bail-outs), then the tree
 * of test points flattened into a result. What differs between dialects is
 * passed in as options.
 */
import { CairnError } from '../../protocol/errors.js'
import { clipHead, clipTail, dedent, joinDetail } from './detail.js'
import { uniqueNames } from '../../protocol/results.js'
import { TapReader } from './tap-reader.js'
import type { EngineOptions, TapNode } from './tap-stream.js'
import { excerpt, splitLines } from './text.js'
import type { ParsedTest, ParseResult, TestPlan } from './types.js'

export { TapStream } from './tap-stream.js'
export type { TapNode } from './tap-stream.js'

const YAML_BUDGET = 2048 // characters of detail for YAML when a log follows

export function runTapEngine (text: string, opts: EngineOptions): ParseResult {
  const lines = splitLines(text)
  const reader = new TapReader(opts)
  for (let i = 0; i < lines.length && !reader.stopped; i++) reader.read(lines[i] as string, i + 1)
  reader.endYaml()
  if (reader.structural === 0) {
    const first = lines.find(l => l.trim() !== '')
    throw new CairnError(opts.code, first === undefined
      ? 'empty input: no TAP version, plan or test line'
      : `no TAP version, plan or test line in ${lines.length} lines (first: ${excerpt(first)})`)
  }
  reader.closeAll(lines.length)
  return resultOf(reader)
}

function resultOf (reader: TapReader): ParseResult {
  const { root, rootPlans, warnings } = reader
  const tests: ParsedTest[] = []
  flatten(root.nodes, '', tests)
  const result: ParseResult = { tests: uniqueNames(tests, warnings), warnings: warnings.toArray() }
  if (root.plan !== undefined) rootPlans.push(root.plan)
  if (rootPlans.length === 1) result.plan = rootPlans[0] as TestPlan
  else if (rootPlans.length > 1) result.plan = { start: 1, end: rootPlans.reduce((n, p) => n + Math.max(0, p.end - p.start + 1), 0) }
  if (root.bailed !== undefined) result.bailedOut = root.bailed
  return result
}

function detailOf (node: TapNode): string | undefined {
  const log = node.log?.text()
  const yaml = node.yaml !== undefined && node.yaml.trim() !== ''
    ? (log !== undefined ? clipHead(node.yaml, YAML_BUDGET) : node.yaml)
    : undefined
  const joined = joinDetail([node.reason, yaml, log !== undefined ? clipTail(dedent(log)) : undefined])
  return joined === undefined ? undefined : clipHead(joined)
}

function flatten (nodes: TapNode[], prefix: string, out: ParsedTest[]): void {
  for (const n of nodes) {
    if (n.emit) {
      const t: ParsedTest = { name: prefix + n.name, status: n.status }
      if (n.duration !== undefined) t.duration = n.duration
      if (n.status !== 'pass') {
        const d = detailOf(n)
        if (d !== undefined) t.detail = d
      }
      out.push(t)
    }
    if (n.children.length > 0) flatten(n.children, n.name === '' ? prefix : `${prefix}${n.name}/`, out)
  }
}
