/**
 * The TAP/KTAP reader shared by the TAP and kselftest parsers: one pass over
 * the lines, a stack of streams keyed by indentation (TAP 14 subtests, KTAP
 * nesting), YAML blocks, plans, bail-outs. What differs between dialects is
 * passed in as options.
 */
import { CairnError } from '../../protocol/errors.js'
import type { RunnersCode } from '../error-codes.js'
import { clipHead, clipTail, dedent, joinDetail, TailLines } from './detail.js'
import { uniqueNames } from '../../protocol/results.js'
import { classify, indentOf } from './tap-line.js'
import type { TapLine } from './tap-line.js'
import { statusOf } from './tap-directive.js'
import type { DirectiveSplitter } from './tap-directive.js'
import { excerpt, splitLines } from './text.js'
import type { ParsedTest, ParseResult, TestPlan, TestStatus } from './types.js'
import { Warnings } from './warnings.js'

/** A test point (or a group of orphaned subtest results when emit is false). */
export interface TapNode {
  name: string
  emit: boolean
  status: TestStatus
  /** From a test point; false for `missing test N` and groups. Totals count only these. */
  real: boolean
  duration?: number
  reason?: string
  yaml?: string
  log?: TailLines
  children: TapNode[]
}

/** One TAP stream: the top level, or a subtest. */
export class TapStream {
  name: string | undefined
  nextSubtestName: string | undefined
  readonly nodes: TapNode[] = []
  plan: TestPlan | undefined
  planLine = 0
  planAfterTests = false
  lastNumber = 0
  readonly numbers = new Set<number>()
  pending: TapStream | undefined
  lastTest: TapNode | undefined
  readonly notes = new TailLines(200)
  bailed: string | undefined
  hasContent = false
  /** Lines the dialect wants checked when the stream closes (kselftest `# Totals:`). */
  readonly marks: Array<{ line: number, text: string }> = []

  readonly depth: number

  constructor (public indent: number, readonly parent: TapStream | undefined, readonly startLine: number) {
    this.depth = parent === undefined ? 0 : parent.depth + 1
  }
}

export interface EngineOptions {
  code: RunnersCode
  split: DirectiveSplitter
  /** Test::More prints diagnostics after `not ok`; KTAP prints them before the result. */
  comments: 'after' | 'before'
  warnUnknown: boolean
  requirePlan: boolean
  /** kselftest: a binary's `Bail out!` ends only its own stream, the runner goes on. */
  localBail: boolean
  /**
   * kselftest: run_kselftest.sh prints `TAP version 13` and a plan per
   * collection, numbering from 1 again; a version line after results starts
   * a new document in the same stream instead of being an error.
   */
  restartOnVersion: boolean
  /** TAP: a stream indented as a whole (quoted in a log) is still the top level. */
  floatingRoot: boolean
  /** A comment the dialect wants to keep for onClose (returns true to keep it out of details). */
  mark?: (text: string) => boolean
  onClose?: (stream: TapStream, warnings: Warnings) => void
}

const MAX_MISSING = 1000 // listed one by one; more collapse into one entry
const MAX_DEPTH = 32 // subtest nesting; hostile input could otherwise build names quadratic in its size
const MAX_YAML_LINES = 500
const YAML_BUDGET = 2048 // characters of detail for YAML when a log follows

interface YamlState { node: TapNode, indent: number, lines: string[], startLine: number, cut: number }

export function runTapEngine (text: string, opts: EngineOptions): ParseResult {
  const lines = splitLines(text)
  const warnings = new Warnings()
  const root = new TapStream(0, undefined, 1)
  let top = root
  let structural = 0
  let versionSeen = false
  let strict = false
  let yaml: YamlState | undefined
  let testJustSeen: TapStream | undefined
  let stopped = false

  const finishYaml = (y: YamlState): void => {
    const kept: string[] = []
    for (const l of dedent(y.lines.join('\n')).split('\n')) {
      const m = /^duration_ms:\s*([0-9.eE+-]+)\s*$/.exec(l)
      if (m === null) {
        kept.push(l)
        continue
      }
      // The duration has its own field; in the detail it would only be noise.
      const ms = Math.round(Number(m[1]))
      if (Number.isSafeInteger(ms) && ms >= 0) y.node.duration = ms // a result holds durations as safe integers
    }
    y.node.yaml = kept.join('\n') + (y.cut > 0 ? `\n[... ${y.cut} more lines]` : '')
  }

  const orphan = (parent: TapStream, child: TapStream, line: number): void => {
    const label = child.name !== undefined && child.name !== '' ? ` ${JSON.stringify(child.name)}` : ''
    warnings.at(line, `subtest${label} (from line ${child.startLine}) has no result line in its parent`)
    parent.nodes.push({ name: child.name ?? '', emit: false, status: 'pass', real: false, children: child.nodes })
  }

  const close = (s: TapStream, line: number): void => {
    if (s.pending !== undefined) {
      orphan(s, s.pending, line)
      s.pending = undefined
    }
    if (s.plan !== undefined) addMissing(s, line)
    else if (opts.requirePlan && s.hasContent) warnings.at(s.startLine, s === root ? 'no plan' : 'subtest has no plan')
    opts.onClose?.(s, warnings)
    if (s.parent === undefined) return
    if (opts.comments === 'before' && s.notes.length > 0) {
      // What a subtest printed after its last result explains its parent's result.
      for (const l of s.notes.text().split('\n')) s.parent.notes.push(l)
    }
    if (s.parent.pending !== undefined) orphan(s.parent, s.parent.pending, line)
    s.parent.pending = s
  }

  const addMissing = (s: TapStream, line: number): void => {
    const plan = s.plan as TestPlan
    if (plan.skipReason !== undefined) return
    const bailed = s.bailed ?? root.bailed
    const why = bailed !== undefined
      ? `not run: bailed out${bailed === '' ? '' : `: ${bailed}`}`
      : `planned by ${plan.start}..${plan.end} (line ${s.planLine}) but never reported`
    let listed = 0
    for (let n = plan.start; n <= plan.end; n++) {
      if (s.numbers.has(n)) continue
      if (listed === MAX_MISSING) {
        const rest = plan.end - n + 1 - countSeen(s.numbers, n, plan.end)
        s.nodes.push({ name: `missing tests ${n}..${plan.end}`, emit: true, status: 'error', real: false, reason: `${rest} more tests ${why}`, children: [] })
        warnings.at(line, `${rest} more planned tests missing, listed as one entry`)
        return
      }
      s.nodes.push({ name: `missing test ${n}`, emit: true, status: 'error', real: false, reason: why, children: [] })
      listed++
    }
  }

  const rootPlans: TestPlan[] = []

  const endDocument = (s: TapStream, line: number): void => {
    if (s.pending !== undefined) {
      orphan(s, s.pending, line)
      s.pending = undefined
    }
    if (s.plan !== undefined) {
      addMissing(s, line)
      if (s === root) rootPlans.push(s.plan)
    }
    opts.onClose?.(s, warnings)
    s.plan = undefined
    s.planLine = 0
    s.planAfterTests = false
    s.lastNumber = 0
    s.numbers.clear()
    s.marks.length = 0
    s.lastTest = undefined
    s.bailed = undefined
    s.hasContent = false
  }

  const popTo = (indent: number, line: number): void => {
    while (top !== root && top.indent > indent) {
      const s = top
      top = s.parent as TapStream
      close(s, line)
    }
  }

  let tooDeep = false
  const openChild = (indent: number, line: number, name?: string): void => {
    if (top.depth >= MAX_DEPTH) {
      if (!tooDeep) warnings.at(line, `subtests nested deeper than ${MAX_DEPTH} levels are read as part of their parent`)
      tooDeep = true
      return
    }
    if (top.pending !== undefined) {
      orphan(top, top.pending, line)
      top.pending = undefined
    }
    const child = new TapStream(indent, top, line)
    child.name = name ?? top.nextSubtestName
    top.nextSubtestName = undefined
    top = child
  }

  const routeComment = (indent: number): TapStream => {
    let s = top
    while (s.parent !== undefined && s.indent > indent) s = s.parent
    return s
  }

  const note = (s: TapStream, textLine: string): void => {
    if (opts.comments === 'before') {
      s.notes.push(textLine)
      return
    }
    const t = s.lastTest
    if (t === undefined || t.status === 'pass' || s.planAfterTests) return
    t.log ??= new TailLines(200)
    t.log.push(textLine)
  }

  const addTest = (s: TapStream, tok: Extract<TapLine, { kind: 'test' }>, line: number): void => {
    const expected = s.lastNumber + 1
    const n = tok.number ?? expected
    if (tok.number !== undefined && tok.number !== expected) warnings.at(line, `test number ${tok.number} out of sequence (expected ${expected})`)
    if (s.numbers.has(n)) warnings.at(line, `test number ${n} reported twice`)
    if (s.plan !== undefined) {
      if (s.planAfterTests) warnings.at(line, `test ${n} after the closing plan (line ${s.planLine})`)
      else if (n < s.plan.start || n > s.plan.end) warnings.at(line, `test ${n} outside the plan ${s.plan.start}..${s.plan.end}`)
    }
    const split = opts.split(tok.text)
    const status = statusOf(tok.ok, split.directive)
    const child = s.pending
    s.pending = undefined
    const name = split.description !== '' ? split.description : (child?.name !== undefined && child.name !== '' ? child.name : `test ${n}`)
    const node: TapNode = { name, emit: true, status, real: true, children: child?.nodes ?? [] }
    if (split.duration !== undefined) node.duration = split.duration
    if (split.reason !== undefined) node.reason = split.directive === 'timeout' ? `TIMEOUT ${split.reason}` : split.reason
    else if (split.directive === 'timeout') node.reason = 'TIMEOUT'
    if (opts.comments === 'before') {
      if (status !== 'pass' && s.notes.length > 0) {
        node.log = new TailLines(200)
        for (const l of s.notes.text().split('\n')) node.log.push(l)
      }
      s.notes.clear()
    }
    s.nodes.push(node)
    s.lastTest = node
    s.lastNumber = n
    s.numbers.add(n)
    s.hasContent = true
  }

  const setPlan = (s: TapStream, tok: Extract<TapLine, { kind: 'plan' }>, line: number): void => {
    if (s.plan !== undefined) {
      warnings.at(line, `second plan ${tok.start}..${tok.end} ignored (first at line ${s.planLine})`)
      return
    }
    if (tok.start !== 1) warnings.at(line, `plan ${tok.start}..${tok.end} does not start at 1`)
    if (tok.end < tok.start - 1) warnings.at(line, `plan ${tok.start}..${tok.end} is empty backwards`)
    const plan: TestPlan = { start: tok.start, end: tok.end }
    const skip = /^skip\w*\b:?\s*(.*)$/i.exec(tok.comment)
    if (skip !== null && tok.end < tok.start) {
      plan.skipReason = (skip[1] ?? '').trim()
      if (opts.comments === 'before' && s !== root) note(s, `skipped: ${plan.skipReason}`)
    }
    s.plan = plan
    s.planLine = line
    s.planAfterTests = s.numbers.size > 0
    s.hasContent = true
    if (s.planAfterTests) {
      for (const n of s.numbers) {
        if (n < plan.start || n > plan.end) warnings.at(line, `test ${n} outside the plan ${plan.start}..${plan.end}`)
      }
    }
  }

  for (let i = 0; i < lines.length && !stopped; i++) {
    const raw = lines[i] as string
    const line = i + 1

    if (yaml !== undefined) {
      const trimmed = raw.trim()
      if (trimmed === '...') {
        finishYaml(yaml)
        yaml = undefined
        continue
      }
      if (trimmed === '' || indentOf(raw) >= yaml.indent) {
        if (yaml.lines.length < MAX_YAML_LINES) yaml.lines.push(raw.slice(Math.min(yaml.indent, indentOf(raw))))
        else yaml.cut++
        continue
      }
      warnings.at(yaml.startLine, "YAML block not closed with '...'")
      finishYaml(yaml)
      yaml = undefined
    }

    const indent = indentOf(raw)
    const content = raw.slice(indent)
    const tok = classify(content)
    const after = testJustSeen
    testJustSeen = undefined

    switch (tok.kind) {
      case 'blank':
        if (after !== undefined) testJustSeen = after
        continue
      case 'yamlStart':
        if (after !== undefined && indent >= after.indent && after.lastTest !== undefined) {
          yaml = { node: after.lastTest, indent, lines: [], startLine: line, cut: 0 }
          continue
        }
        break
      case 'comment': {
        const s = routeComment(indent)
        if (opts.mark?.(tok.text) === true) s.marks.push({ line, text: tok.text })
        else note(s, tok.text)
        continue
      }
      case 'subtest':
        popTo(indent, line)
        if (indent > top.indent) {
          openChild(indent, line, tok.name)
        } else if (top !== root && !top.hasContent && top.name === undefined && indent === top.indent) {
          top.name = tok.name
        } else {
          top.nextSubtestName = tok.name
        }
        continue
      default:
        break
    }

    if (tok.kind === 'unknown' || tok.kind === 'yamlStart' || tok.kind === 'yamlEnd') {
      if (opts.warnUnknown) warnings.at(line, `${strict ? 'non-TAP line under pragma +strict' : 'not TAP'}: ${excerpt(raw)}`)
      const target = routeComment(indent)
      note(target, raw.slice(Math.min(indent, target.indent)).trimEnd())
      continue
    }

    // Structural line: version, plan, test point, bail out, pragma.
    if (opts.floatingRoot && structural === 0 && top === root && root.nextSubtestName === undefined) root.indent = indent
    structural++
    popTo(indent, line)
    if (indent > top.indent) openChild(indent, line)
    const s = top

    switch (tok.kind) {
      case 'version':
        if (opts.restartOnVersion && s.hasContent) {
          endDocument(s, line)
        } else if (opts.restartOnVersion) {
          // a version line opening a stream, or a repeated one before any result: nothing to check
        } else if (s === root) {
          if (versionSeen || structural > 1) warnings.at(line, `version line not at the start of the stream`)
          versionSeen = true
        } else if (s.hasContent) {
          warnings.at(line, 'version line inside a subtest after its results began')
        }
        // What came before a stream began is not about any of its tests.
        if (opts.comments === 'before') s.notes.clear()
        if (!tok.ktap && (tok.version < 13 || tok.version > 14)) warnings.at(line, `TAP version ${tok.version} is not 13 or 14; read as 14`)
        if (tok.ktap && tok.version !== 1) warnings.at(line, `KTAP version ${tok.version} is not 1; read as 1`)
        break
      case 'plan':
        setPlan(s, tok, line)
        break
      case 'test':
        addTest(s, tok, line)
        testJustSeen = s
        break
      case 'bail':
        if (opts.localBail && s !== root) {
          s.bailed = tok.reason
          warnings.at(line, `subtest bailed out${tok.reason === '' ? '' : `: ${tok.reason}`}`)
          note(s, `Bail out! ${tok.reason}`.trim())
        } else {
          s.bailed = tok.reason
          root.bailed = tok.reason
          stopped = true
        }
        break
      case 'pragma':
        for (const f of tok.flags) {
          if (f === '+strict') strict = true
          else if (f === '-strict') strict = false
        }
        break
    }
  }

  if (yaml !== undefined) {
    warnings.at(yaml.startLine, "YAML block not closed with '...' before end of input")
    finishYaml(yaml)
  }

  if (structural === 0) {
    const first = lines.find(l => l.trim() !== '')
    throw new CairnError(opts.code, first === undefined
      ? 'empty input: no TAP version, plan or test line'
      : `no TAP version, plan or test line in ${lines.length} lines (first: ${excerpt(first)})`)
  }

  const end = lines.length
  popTo(-1, end)
  close(root, end)

  const tests: ParsedTest[] = []
  flatten(root.nodes, '', tests)
  const result: ParseResult = { tests: uniqueNames(tests, warnings), warnings: warnings.toArray() }
  if (root.plan !== undefined) rootPlans.push(root.plan)
  if (rootPlans.length === 1) result.plan = rootPlans[0] as TestPlan
  else if (rootPlans.length > 1) result.plan = { start: 1, end: rootPlans.reduce((n, p) => n + Math.max(0, p.end - p.start + 1), 0) }
  if (root.bailed !== undefined) result.bailedOut = root.bailed
  return result
}

function countSeen (numbers: Set<number>, from: number, to: number): number {
  let c = 0
  for (const n of numbers) if (n >= from && n <= to) c++
  return c
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
