/**
 * The TAP/KTAP reader's state over one pass: the stack of open streams
 * (keyed by indentation), an open YAML block, pragmas, and one method per
 * kind of line. runTapEngine feeds it lines and turns its root into a result.
 */
import { TailLines } from './detail.js'
import { classify, indentOf } from './tap-line.js'
import type { TapLine } from './tap-line.js'
import { statusOf } from './tap-directive.js'
import { TapStream } from './tap-stream.js'
import type { EngineOptions, TapNode } from './tap-stream.js'
import { finishYaml, takeYamlLine } from './tap-yaml.js'
import type { YamlBlock } from './tap-yaml.js'
import { excerpt } from './text.js'
import type { TestPlan } from './types.js'
import { Warnings } from './warnings.js'

const MAX_MISSING = 1000 // listed one by one; more collapse into one entry
const MAX_DEPTH = 32 // subtest nesting; hostile input could otherwise build names quadratic in its size

type Line<K extends TapLine['kind']> = Extract<TapLine, { kind: K }>

export class TapReader {
  readonly warnings = new Warnings()
  readonly root = new TapStream(0, undefined, 1)
  /** Plans of the root's finished documents (kselftest collections restart it). */
  readonly rootPlans: TestPlan[] = []
  /** Version, plan, test, bail-out and pragma lines seen: none means the input is not TAP. */
  structural = 0
  /** A bail-out ended the whole input. */
  stopped = false

  /** The innermost open stream. */
  private top: TapStream
  private versionSeen = false
  private strict = false
  private tooDeep = false
  private yaml: YamlBlock | undefined
  /** The stream whose test point the previous non-blank line was: a YAML block may follow it. */
  private testJustSeen: TapStream | undefined

  constructor (private readonly opts: EngineOptions) {
    this.top = this.root
  }

  /** Read one line; `line` counts from 1. */
  read (raw: string, line: number): void {
    if (this.yaml !== undefined && this.yamlLine(this.yaml, raw)) return
    const indent = indentOf(raw)
    const tok = classify(raw.slice(indent))
    const after = this.testJustSeen
    this.testJustSeen = undefined

    switch (tok.kind) {
      case 'blank':
        this.testJustSeen = after
        return
      case 'yamlStart':
        if (after !== undefined && indent >= after.indent && after.lastTest !== undefined) {
          this.yaml = { node: after.lastTest, indent, lines: [], startLine: line, cut: 0 }
          return
        }
        return this.unknown(raw, indent, line)
      case 'yamlEnd':
      case 'unknown':
        return this.unknown(raw, indent, line)
      case 'comment':
        return this.comment(tok.text, indent, line)
      case 'subtest':
        return this.subtestHeader(tok.name, indent, line)
      case 'version':
      case 'plan':
      case 'test':
      case 'bail':
      case 'pragma':
        return this.structuralLine(tok, indent, line)
    }
  }

  /** End of input: a YAML block still open is kept, with a warning. */
  endYaml (): void {
    if (this.yaml === undefined) return
    this.warnings.at(this.yaml.startLine, "YAML block not closed with '...' before end of input")
    finishYaml(this.yaml)
    this.yaml = undefined
  }

  /** End of input: close every open stream, the root last. */
  closeAll (end: number): void {
    this.popTo(-1, end)
    this.close(this.root, end)
  }

  /** A line while a YAML block is open; false when the line is not part of it and must be read as usual. */
  private yamlLine (y: YamlBlock, raw: string): boolean {
    if (raw.trim() === '...') {
      finishYaml(y)
      this.yaml = undefined
      return true
    }
    if (takeYamlLine(y, raw)) return true
    this.warnings.at(y.startLine, "YAML block not closed with '...'")
    finishYaml(y)
    this.yaml = undefined
    return false
  }

  private unknown (raw: string, indent: number, line: number): void {
    if (this.opts.warnUnknown) this.warnings.at(line, `${this.strict ? 'non-TAP line under pragma +strict' : 'not TAP'}: ${excerpt(raw)}`)
    const target = this.routeComment(indent)
    this.note(target, raw.slice(Math.min(indent, target.indent)).trimEnd())
  }

  private comment (text: string, indent: number, line: number): void {
    const s = this.routeComment(indent)
    if (this.opts.mark?.(text) === true) s.marks.push({ line, text })
    else this.note(s, text)
  }

  /** `# Subtest: name` (TAP 14): opens the subtest, or names the one just opened or the next one. */
  private subtestHeader (name: string, indent: number, line: number): void {
    this.popTo(indent, line)
    const top = this.top
    if (indent > top.indent) {
      this.openChild(indent, line, name)
    } else if (top !== this.root && !top.hasContent && top.name === undefined && indent === top.indent) {
      top.name = name
    } else {
      top.nextSubtestName = name
    }
  }

  /** Version, plan, test point, bail out, pragma: these place the stream by their indentation. */
  private structuralLine (tok: Line<'version' | 'plan' | 'test' | 'bail' | 'pragma'>, indent: number, line: number): void {
    const root = this.root
    if (this.opts.floatingRoot && this.structural === 0 && this.top === root && root.nextSubtestName === undefined) root.indent = indent
    this.structural++
    this.popTo(indent, line)
    if (indent > this.top.indent) this.openChild(indent, line)
    const s = this.top

    switch (tok.kind) {
      case 'version':
        this.version(s, tok, line)
        break
      case 'plan':
        this.setPlan(s, tok, line)
        break
      case 'test':
        this.addTest(s, tok, line)
        this.testJustSeen = s
        break
      case 'bail':
        this.bail(s, tok.reason, line)
        break
      case 'pragma':
        for (const f of tok.flags) {
          if (f === '+strict') this.strict = true
          else if (f === '-strict') this.strict = false
        }
        break
    }
  }

  private version (s: TapStream, tok: Line<'version'>, line: number): void {
    if (this.opts.restartOnVersion && s.hasContent) {
      this.endDocument(s, line)
    } else if (this.opts.restartOnVersion) {
      // a version line opening a stream, or a repeated one before any result: nothing to check
    } else if (s === this.root) {
      if (this.versionSeen || this.structural > 1) this.warnings.at(line, `version line not at the start of the stream`)
      this.versionSeen = true
    } else if (s.hasContent) {
      this.warnings.at(line, 'version line inside a subtest after its results began')
    }
    // What came before a stream began is not about any of its tests.
    if (this.opts.comments === 'before') s.notes.clear()
    if (!tok.ktap && (tok.version < 13 || tok.version > 14)) this.warnings.at(line, `TAP version ${tok.version} is not 13 or 14; read as 14`)
    if (tok.ktap && tok.version !== 1) this.warnings.at(line, `KTAP version ${tok.version} is not 1; read as 1`)
  }

  private setPlan (s: TapStream, tok: Line<'plan'>, line: number): void {
    if (s.plan !== undefined) {
      this.warnings.at(line, `second plan ${tok.start}..${tok.end} ignored (first at line ${s.planLine})`)
      return
    }
    if (tok.start !== 1) this.warnings.at(line, `plan ${tok.start}..${tok.end} does not start at 1`)
    if (tok.end < tok.start - 1) this.warnings.at(line, `plan ${tok.start}..${tok.end} is empty backwards`)
    const plan: TestPlan = { start: tok.start, end: tok.end }
    const skip = /^skip\w*\b:?\s*(.*)$/i.exec(tok.comment)
    if (skip !== null && tok.end < tok.start) {
      plan.skipReason = (skip[1] ?? '').trim()
      if (this.opts.comments === 'before' && s !== this.root) this.note(s, `skipped: ${plan.skipReason}`)
    }
    s.plan = plan
    s.planLine = line
    s.planAfterTests = s.numbers.size > 0
    s.hasContent = true
    if (s.planAfterTests) {
      for (const n of s.numbers) {
        if (n < plan.start || n > plan.end) this.warnings.at(line, `test ${n} outside the plan ${plan.start}..${plan.end}`)
      }
    }
  }

  private addTest (s: TapStream, tok: Line<'test'>, line: number): void {
    const expected = s.lastNumber + 1
    const n = tok.number ?? expected
    if (tok.number !== undefined && tok.number !== expected) this.warnings.at(line, `test number ${tok.number} out of sequence (expected ${expected})`)
    if (s.numbers.has(n)) this.warnings.at(line, `test number ${n} reported twice`)
    if (s.plan !== undefined) {
      if (s.planAfterTests) this.warnings.at(line, `test ${n} after the closing plan (line ${s.planLine})`)
      else if (n < s.plan.start || n > s.plan.end) this.warnings.at(line, `test ${n} outside the plan ${s.plan.start}..${s.plan.end}`)
    }
    const split = this.opts.split(tok.text)
    const status = statusOf(tok.ok, split.directive)
    const child = s.pending
    s.pending = undefined
    const name = split.description !== '' ? split.description : (child?.name !== undefined && child.name !== '' ? child.name : `test ${n}`)
    const node: TapNode = { name, emit: true, status, real: true, children: child?.nodes ?? [] }
    if (split.duration !== undefined) node.duration = split.duration
    if (split.reason !== undefined) node.reason = split.directive === 'timeout' ? `TIMEOUT ${split.reason}` : split.reason
    else if (split.directive === 'timeout') node.reason = 'TIMEOUT'
    if (this.opts.comments === 'before') {
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

  private bail (s: TapStream, reason: string, line: number): void {
    s.bailed = reason
    if (this.opts.localBail && s !== this.root) {
      this.warnings.at(line, `subtest bailed out${reason === '' ? '' : `: ${reason}`}`)
      this.note(s, `Bail out! ${reason}`.trim())
      return
    }
    this.root.bailed = reason
    this.stopped = true
  }

  private note (s: TapStream, textLine: string): void {
    if (this.opts.comments === 'before') {
      s.notes.push(textLine)
      return
    }
    const t = s.lastTest
    if (t === undefined || t.status === 'pass' || s.planAfterTests) return
    t.log ??= new TailLines(200)
    t.log.push(textLine)
  }

  /** The open stream a comment or stray line at this indentation belongs to. */
  private routeComment (indent: number): TapStream {
    let s = this.top
    while (s.parent !== undefined && s.indent > indent) s = s.parent
    return s
  }

  private openChild (indent: number, line: number, name?: string): void {
    const top = this.top
    if (top.depth >= MAX_DEPTH) {
      if (!this.tooDeep) this.warnings.at(line, `subtests nested deeper than ${MAX_DEPTH} levels are read as part of their parent`)
      this.tooDeep = true
      return
    }
    this.adoptPending(top, line)
    const child = new TapStream(indent, top, line)
    child.name = name ?? top.nextSubtestName
    top.nextSubtestName = undefined
    this.top = child
  }

  /** Close the streams indented deeper than `indent`. */
  private popTo (indent: number, line: number): void {
    while (this.top !== this.root && this.top.indent > indent) {
      const s = this.top
      this.top = s.parent as TapStream
      this.close(s, line)
    }
  }

  /** A closed subtest waits as its parent's `pending` for the result line that names it. */
  private close (s: TapStream, line: number): void {
    this.adoptPending(s, line)
    if (s.plan !== undefined) this.addMissing(s, line)
    else if (this.opts.requirePlan && s.hasContent) this.warnings.at(s.startLine, s === this.root ? 'no plan' : 'subtest has no plan')
    this.opts.onClose?.(s, this.warnings)
    if (s.parent === undefined) return
    if (this.opts.comments === 'before' && s.notes.length > 0) {
      // What a subtest printed after its last result explains its parent's result.
      for (const l of s.notes.text().split('\n')) s.parent.notes.push(l)
    }
    if (s.parent.pending !== undefined) this.orphan(s.parent, s.parent.pending, line)
    s.parent.pending = s
  }

  /** kselftest: a version line after results ends one collection's document; the stream reads on. */
  private endDocument (s: TapStream, line: number): void {
    this.adoptPending(s, line)
    if (s.plan !== undefined) {
      this.addMissing(s, line)
      if (s === this.root) this.rootPlans.push(s.plan)
    }
    this.opts.onClose?.(s, this.warnings)
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

  /** A pending subtest that no result line claimed is kept as an unnamed group. */
  private adoptPending (s: TapStream, line: number): void {
    if (s.pending === undefined) return
    this.orphan(s, s.pending, line)
    s.pending = undefined
  }

  private orphan (parent: TapStream, child: TapStream, line: number): void {
    const label = child.name !== undefined && child.name !== '' ? ` ${JSON.stringify(child.name)}` : ''
    this.warnings.at(line, `subtest${label} (from line ${child.startLine}) has no result line in its parent`)
    parent.nodes.push({ name: child.name ?? '', emit: false, status: 'pass', real: false, children: child.nodes })
  }

  /** Planned numbers never reported become `missing test N` errors. */
  private addMissing (s: TapStream, line: number): void {
    const plan = s.plan as TestPlan
    if (plan.skipReason !== undefined) return
    const bailed = s.bailed ?? this.root.bailed
    const why = bailed !== undefined
      ? `not run: bailed out${bailed === '' ? '' : `: ${bailed}`}`
      : `planned by ${plan.start}..${plan.end} (line ${s.planLine}) but never reported`
    let listed = 0
    for (let n = plan.start; n <= plan.end; n++) {
      if (s.numbers.has(n)) continue
      if (listed === MAX_MISSING) {
        const rest = plan.end - n + 1 - countSeen(s.numbers, n, plan.end)
        s.nodes.push({ name: `missing tests ${n}..${plan.end}`, emit: true, status: 'error', real: false, reason: `${rest} more tests ${why}`, children: [] })
        this.warnings.at(line, `${rest} more planned tests missing, listed as one entry`)
        return
      }
      s.nodes.push({ name: `missing test ${n}`, emit: true, status: 'error', real: false, reason: why, children: [] })
      listed++
    }
  }
}

function countSeen (numbers: Set<number>, from: number, to: number): number {
  let c = 0
  for (const n of numbers) if (n >= from && n <= to) c++
  return c
}
