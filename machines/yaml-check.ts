/**
 * Checking a YAML file a person wrote (the policy, the CI configuration)
 * with errors that name the file and the line: validators throw `Issue`
 * with the path of the bad value, and `parseChecked` turns it into a
 * CairnError "FILE line N: what is wrong".
 */
import { compileGlob } from './glob.js'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml'
import type { Document, Node } from 'yaml'
import { CairnError, isCairnError } from '../protocol/errors.js'
import type { CairnCode } from '../protocol/errors.js'

export type Path = Array<string | number>

export class Issue extends Error {
  constructor (readonly path: Path, readonly what: string, readonly atKey = false) {
    super(what)
  }
}

function fmt (path: Path): string {
  let s = ''
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : (s === '' ? p : `.${p}`)
  return s
}

export function fail (path: Path, what: string): never {
  throw new Issue(path, `${fmt(path)} ${what}`)
}

/** A mapping with only `allowed` keys; `rootWhat` says what the whole file must be. */
export function mapping (v: unknown, path: Path, allowed: readonly string[], rootWhat = 'the file must be a mapping'): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    if (path.length === 0) throw new Issue(path, rootWhat)
    fail(path, 'must be a mapping')
  }
  const rec = v as Record<string, unknown>
  for (const key of Object.keys(rec)) {
    if (!allowed.includes(key)) {
      const where = path.length === 0 ? '' : ` in ${fmt(path)}`
      throw new Issue([...path, key], `unknown key "${key}"${where} (expected one of ${allowed.join(', ')})`, true)
    }
  }
  return rec
}

export function list (v: unknown, path: Path): unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be a list')
  return v
}

export function glob (v: unknown, path: Path): string {
  if (typeof v !== 'string' || v.trim() === '') fail(path, 'must be a non-empty glob such as fs/xfs/**')
  if (v.startsWith('/')) fail(path, 'must be relative to the repository root (no leading /)')
  try {
    compileGlob(v)
  } catch (err) {
    fail(path, `is not a valid glob: ${v}${isCairnError(err, 'GLOB') ? ` (${err.message.replace(/^GLOB: /, '')})` : ''}`)
  }
  return v
}

/** 1-based line of the node at `path` (of its key when `atKey`), falling back to the nearest parent that exists. */
function lineOf (doc: Document, lc: LineCounter, path: Path, atKey: boolean): number {
  let node: unknown = doc.contents
  let line = node !== null && typeof node === 'object' && 'range' in node ? pos(lc, node as Node) : 1
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))
      if (pair === undefined) break
      const last = i === path.length - 1
      const keyLine = isScalar(pair.key) ? pos(lc, pair.key) : line
      if (last && atKey) return keyLine
      node = pair.value
      line = node !== null && typeof node === 'object' && 'range' in node ? pos(lc, node as Node) : keyLine
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg]
      if (node === undefined || node === null) break
      if (typeof node === 'object' && 'range' in node) line = pos(lc, node as Node)
    } else break
  }
  return line
}

/** Line of the first alias that names no anchor ("match: *.c" reads as an alias in YAML). */
function aliasLine (doc: Document, lc: LineCounter): number {
  let line = 1
  visit(doc, {
    Alias (_, node) {
      if (node.resolve(doc) !== undefined) return undefined
      line = pos(lc, node)
      return visit.BREAK
    }
  })
  return line
}

function pos (lc: LineCounter, node: Node): number {
  const start = node.range?.[0]
  return start === undefined ? 1 : Math.max(1, lc.linePos(start).line)
}

/**
 * Parse YAML and hand the value to `validate`; any failure is a CairnError
 * with `code` whose message names the file, the line and what is wrong:
 * "policy.yaml line 3: reviews.required must be a non-negative integer".
 */
export function parseChecked<T> (text: string, file: string, code: CairnCode, validate: (value: unknown) => T): T {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true })
  const err = doc.errors[0]
  if (err !== undefined) {
    const line = Math.max(1, lc.linePos(err.pos[0]).line)
    const what = err.message.split('\n')[0] ?? 'invalid YAML'
    throw new CairnError(code, `${file} line ${line}: ${what}`)
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: 100 })
  } catch (e) {
    throw new CairnError(code, `${file} line ${aliasLine(doc, lc)}: ${(e as Error).message}; quote values starting with * (e.g. '*.c')`, { cause: e })
  }
  try {
    return validate(value)
  } catch (e) {
    if (!(e instanceof Issue)) throw e
    throw new CairnError(code, `${file} line ${lineOf(doc, lc, e.path, e.atKey)}: ${e.message}`)
  }
}
