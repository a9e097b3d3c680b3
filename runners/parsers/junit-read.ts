/**
 * JUnit XML to a flat list of test cases with everything a caller may want
 * to name or explain them. parseJunit (junit.ts) and the fstests result.xml
 * reader build their own names and details from this.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { CairnError } from '../../protocol/errors.js'
import { excerpt } from './text.js'
import type { TestStatus } from './types.js'
import type { Warnings } from './warnings.js'

export interface JunitCase {
  /** Names of the enclosing <testsuite> elements, outermost first. */
  suites: string[]
  classname: string
  name: string
  /** From the `time` attribute (seconds) as integer milliseconds. */
  duration?: number
  status: TestStatus
  /** `message` attribute of <failure>/<error>/<skipped>. */
  message?: string
  /** `type` attribute of <failure>/<error>/<skipped>. */
  type?: string
  /** Text of <failure>/<error>/<skipped>. */
  body?: string
  out?: string
  err?: string
  /** Other child elements with text (fstests <kernel-log>, surefire <rerunFailure>), in order. */
  other: Array<[string, string]>
  /** True for the stand-in of a <testsuite> that failed as a whole. */
  suiteLevel?: boolean
}

type XNode = Record<string, unknown>

const ATTRS = ':@'
const TEXT = '#text'

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true, // numeric references (&#x0A;) too, which googletest writes
  ignoreDeclaration: true,
  ignorePiTags: true,
  allowBooleanAttributes: true
})

function tagOf (node: XNode): string | undefined {
  for (const k of Object.keys(node)) if (k !== ATTRS) return k
  return undefined
}

function childrenOf (node: XNode, tag: string): XNode[] {
  const c = node[tag]
  return Array.isArray(c) ? c as XNode[] : []
}

function attrsOf (node: XNode): Record<string, string> {
  const a = node[ATTRS]
  return a !== null && typeof a === 'object' ? a as Record<string, string> : {}
}

function textOf (nodes: XNode[]): string {
  let out = ''
  for (const n of nodes) {
    const tag = tagOf(n)
    if (tag === TEXT) out += String(n[TEXT] ?? '')
    else if (tag !== undefined) out += textOf(childrenOf(n, tag))
  }
  return out
}

/** `time="1.234"` (seconds, some producers write `1,234.5`) to integer ms. */
function secondsToMs (value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const s = Number(value.replace(/,/g, '').trim())
  return Number.isFinite(s) && s >= 0 ? Math.round(s * 1000) : undefined
}

function validate (text: string): void {
  const start = text.trimStart()
  if (start === '') throw new CairnError('PARSE_JUNIT', 'empty input: no XML')
  if (!start.startsWith('<')) throw new CairnError('PARSE_JUNIT', `not XML: input starts with ${excerpt(start)}`)
  const v = XMLValidator.validate(text, { allowBooleanAttributes: true })
  if (v === true) return
  const { msg, line, col } = v.err
  const open = /^Invalid '\[([\s\S]*)\]' found/.exec(msg)
  if (open !== null) {
    // The validator reports tags still open at the end as "Invalid '[...]' found" at 1:1.
    const tags = [...(open[1] ?? '').matchAll(/"([^"]*)"/g)].map(m => `<${m[1] ?? ''}>`)
    const lines = text.split('\n').length
    throw new CairnError('PARSE_JUNIT', `malformed XML at line ${lines} (end of input): ${tags.join(', ')} never closed (input truncated?)`)
  }
  if (msg === 'Start tag expected.') throw new CairnError('PARSE_JUNIT', 'no root element: expected <testsuites> or <testsuite>')
  const truncated = !text.trimEnd().endsWith('>')
  const where = typeof col === 'number' ? `line ${line}, column ${col}` : `line ${line}`
  throw new CairnError('PARSE_JUNIT', `malformed XML at ${where}: ${msg}${truncated ? ' (input truncated?)' : ''}`)
}

const STATUS_RANK: Record<TestStatus, number> = { pass: 0, xpass: 1, skip: 2, xfail: 3, fail: 4, error: 5 }

function readCase (node: XNode, suites: string[], index: number, warnings: Warnings): JunitCase {
  const a = attrsOf(node)
  let name = a.name ?? ''
  if (name.trim() === '') {
    name = `testcase ${index}`
    warnings.add(`testcase without a name in suite ${JSON.stringify(suites.join('/'))} called ${JSON.stringify(name)}`)
  }
  const c: JunitCase = { suites, classname: (a.classname ?? a.class ?? '').trim(), name: name.trim(), status: 'pass', other: [] }
  const ms = secondsToMs(a.time)
  if (ms !== undefined) c.duration = ms
  else if (a.time !== undefined) warnings.add(`testcase ${JSON.stringify(name)}: time ${excerpt(a.time)} is not a number of seconds`)
  // googletest marks skipped and disabled tests with attributes.
  if (a.result === 'skipped' || a.status === 'notrun' || a.status === 'disabled' || a.skipped === 'true') c.status = 'skip'

  for (const child of childrenOf(node, 'testcase')) {
    const tag = tagOf(child)
    if (tag === undefined || tag === TEXT) continue
    const ca = attrsOf(child)
    const body = textOf(childrenOf(child, tag))
    let status: TestStatus | undefined
    if (tag === 'failure') status = 'fail'
    else if (tag === 'error') status = 'error'
    else if (tag === 'skipped') status = ca.type === 'pytest.xfail' ? 'xfail' : 'skip'
    if (status !== undefined) {
      if (STATUS_RANK[status] >= STATUS_RANK[c.status]) {
        c.status = status
        if (ca.message !== undefined && ca.message.trim() !== '') c.message = ca.message.trim()
        if (ca.type !== undefined && ca.type.trim() !== '') c.type = ca.type.trim()
        if (body.trim() !== '') c.body = body
      }
    } else if (tag === 'system-out') {
      c.out = (c.out ?? '') + body
    } else if (tag === 'system-err') {
      c.err = (c.err ?? '') + body
    } else if (tag !== 'properties' && body.trim() !== '') {
      c.other.push([tag, body])
    }
  }
  return c
}

/** Walks one suite; returns how many failing cases it and its nested suites hold. */
function walkSuite (node: XNode, tag: string, suites: string[], out: JunitCase[], warnings: Warnings): number {
  const a = attrsOf(node)
  const path = tag === 'testsuite' ? [...suites, (a.name ?? '').trim()] : suites
  let cases = 0
  let failing = 0
  for (const child of childrenOf(node, tag)) {
    const t = tagOf(child)
    if (t === 'testcase') {
      const c = readCase(child, path, ++cases, warnings)
      if (c.status === 'fail' || c.status === 'error') failing++
      out.push(c)
    } else if (t === 'testsuite' || t === 'testsuites') {
      failing += walkSuite(child, t, path, out, warnings)
    } else if (tag === 'testsuite' && (t === 'error' || t === 'failure')) {
      // A suite that broke before its cases ran (setup, import error) must not vanish.
      const ca = attrsOf(child)
      const sc: JunitCase = { suites: path, classname: '', name: '(suite)', status: t === 'error' ? 'error' : 'fail', other: [], suiteLevel: true }
      const body = textOf(childrenOf(child, t))
      if (ca.message !== undefined && ca.message.trim() !== '') sc.message = ca.message.trim()
      if (ca.type !== undefined && ca.type.trim() !== '') sc.type = ca.type.trim()
      if (body.trim() !== '') sc.body = body
      failing++
      out.push(sc)
    }
  }
  if (tag === 'testsuite') {
    const said = Number(a.errors ?? 0) + Number(a.failures ?? 0)
    if (Number.isFinite(said) && said > 0 && failing === 0) {
      warnings.add(`testsuite ${JSON.stringify(path.join('/'))} reports ${said} failures/errors but no failing testcase`)
    }
  }
  return failing
}

/** Every test case in a JUnit document, in document order. Throws CairnError PARSE_JUNIT on malformed XML. */
export function readJunitCases (text: string, warnings: Warnings): JunitCase[] {
  validate(text)
  let doc: unknown
  try {
    doc = parser.parse(text)
  } catch (err) {
    throw new CairnError('PARSE_JUNIT', `XML could not be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  const top = Array.isArray(doc) ? doc as XNode[] : []
  const rootNode = top.find(n => {
    const t = tagOf(n)
    return t !== undefined && t !== TEXT && !t.startsWith('?') && !t.startsWith('!')
  })
  const rootTag = rootNode === undefined ? undefined : tagOf(rootNode)
  if (rootNode === undefined || (rootTag !== 'testsuites' && rootTag !== 'testsuite')) {
    throw new CairnError('PARSE_JUNIT', `root element is ${rootTag === undefined ? 'missing' : `<${rootTag}>`}, not <testsuites> or <testsuite>`)
  }
  const out: JunitCase[] = []
  walkSuite(rootNode, rootTag, [], out, warnings)
  return out
}
