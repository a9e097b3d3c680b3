/**
 * Recipes: how a job builds and tests a tree. A small declarative file, YAML
 * or JSON (JSON is read as YAML, which it is a subset of, so one reader gives
 * line numbers for both). The smallest valid recipe:
 *
 *   {"test": {"run": "sh t.sh", "parser": "tap"}}
 *
 * The whole format:
 *
 *   build:                 optional; one step or a list, run in order
 *     - make -j8           a step is a command string, or
 *     - name: modules      { name?, run, timeout? }
 *       run: make modules
 *       timeout: 2h
 *   test:                  required; one step or a list, each parsed
 *     run: ./run-tests     the command
 *     parser: tap          tap | kselftest | junit | fstests | fio | sysbench |
 *                          metrics | auto (default auto); the last three
 *                          also give metrics (runners/parsers/metric-set.ts)
 *     output: out.xml      what to parse: stdout (default) or a path in the tree
 *                          (a file, or a results/ directory for fstests)
 *     timeout: 30m
 *   timeout: 1h            default per-step timeout (default 30m)
 *   artifacts: [vmlinux, 'results/**']   paths or globs kept as blobs
 *   env: { ARCH: x86_64 }  variables added to each step's clean environment
 *   probe: { cc: 'gcc -dumpfullversion' }  commands whose output is part of
 *                          the build environment (and so of the build identity)
 *
 * Unknown keys are errors (a typo must not silently change what runs), and
 * every error names the file, line and column and the key path.
 */
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import type { Node as YamlNode } from 'yaml'
import { CairnError } from '../protocol/errors.js'
import { PARSER_KINDS } from './parsers/types.js'
import type { ParserKind } from './parsers/types.js'
import { parseDuration } from './duration.js'

type ParserChoice = ParserKind | 'auto'
const PARSER_CHOICES: readonly ParserChoice[] = [...PARSER_KINDS, 'auto']

export interface Step { name: string, run: string, timeoutMs: number }
export interface TestStep extends Step {
  parser: ParserChoice
  /** null: parse the step's stdout; else a path relative to the tree. */
  output: string | null
}

export interface Recipe {
  build: Step[]
  test: TestStep[]
  timeoutMs: number
  artifacts: string[]
  env: Record<string, string>
  probe: Record<string, string>
}

const DEFAULT_STEP_TIMEOUT_MS = 30 * 60_000
/** Where a project keeps its recipe, so a ref and a series are enough to test it. */
export const CHECKED_IN_RECIPES = ['.cairn/recipe.yaml', '.cairn/recipe.yml', '.cairn/recipe.json']

const TOP_KEYS = ['build', 'test', 'timeout', 'artifacts', 'env', 'probe']
const STEP_KEYS = ['name', 'run', 'timeout']
const TEST_KEYS = [...STEP_KEYS, 'parser', 'output']
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

type Where = (node: YamlNode | null | undefined, path: string, message: string) => never

/** Read a recipe file's text. `source` names it in errors (a path). */
export function parseRecipeText (text: string, source: string): { recipe: Recipe, raw: Record<string, unknown> } {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false })
  const first = doc.errors[0]
  if (first !== undefined) {
    const pos = lines.linePos(first.pos[0])
    throw new CairnError('RECIPE', `${source}:${pos.line}:${pos.col}: ${first.message.split('\n')[0] ?? 'not valid YAML or JSON'}`)
  }
  const where: Where = (node, path, message) => {
    const range = node?.range
    const at = range === undefined || range === null ? '' : `:${lines.linePos(range[0]).line}:${lines.linePos(range[0]).col}`
    throw new CairnError('RECIPE', `${source}${at}: ${path === '' ? '' : `${path}: `}${message}`)
  }
  const recipe = readRecipe(doc.contents, where)
  return { recipe, raw: doc.toJS() as Record<string, unknown> }
}

/** A recipe already parsed to a value (the `recipe` of a job.request). Errors name the key path. */
export function normaliseRecipe (value: unknown, source = 'recipe'): Recipe {
  const where: Where = (_node, path, message) => {
    throw new CairnError('RECIPE', `${source}: ${path === '' ? '' : `${path}: `}${message}`)
  }
  return readRecipe(new Document(value).contents as YamlNode | null, where)
}

/** True for the empty recipe a job carries when the project's checked-in recipe is to be used. */
export function isEmptyRecipe (value: Record<string, unknown>): boolean {
  return Object.keys(value).length === 0
}

function readRecipe (root: YamlNode | null, where: Where): Recipe {
  if (root === null || !isMap(root)) return where(root, '', 'a recipe is a mapping with at least a "test" step, e.g. {"test": {"run": "sh t.sh", "parser": "tap"}}')
  const top = fields(root, '', TOP_KEYS, where)
  const timeoutMs = top.timeout === undefined ? DEFAULT_STEP_TIMEOUT_MS : duration(top.timeout, 'timeout', where)
  const build = top.build === undefined ? [] : list(top.build).map((n, i, all) => step(n, all.length === 1 && !isSeq(top.build) ? 'build' : `build[${i}]`, STEP_KEYS, `build-${i + 1}`, timeoutMs, where))
  if (top.test === undefined) return where(root, '', 'missing "test": what to run and which parser reads its output')
  const testNodes = list(top.test)
  if (testNodes.length === 0) return where(top.test, 'test', 'needs at least one step')
  const test = testNodes.map((n, i) => testStep(n, isSeq(top.test) ? `test[${i}]` : 'test', testNodes.length === 1 ? 'test' : `test-${i + 1}`, timeoutMs, where))
  const names = new Set<string>()
  for (const s of [...build, ...test]) {
    if (names.has(s.name)) where(top.test, 'test', `two steps are named "${s.name}"; give each a unique name`)
    names.add(s.name)
  }
  const artifacts = top.artifacts === undefined ? [] : list(top.artifacts).map((n, i) => relativePath(n, `artifacts[${i}]`, where))
  return { build, test, timeoutMs, artifacts, env: stringMap(top.env, 'env', true, where), probe: stringMap(top.probe, 'probe', false, where) }
}

function fields (map: YamlNode, path: string, allowed: string[], where: Where): Record<string, YamlNode> {
  const out: Record<string, YamlNode> = {}
  if (!isMap(map)) return out
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key
    const keyPath = path === '' ? String(key) : `${path}.${String(key)}`
    if (typeof key !== 'string' || !allowed.includes(key)) where(pair.key as YamlNode, keyPath, `unknown key; expected one of ${allowed.join(', ')}`)
    out[key as string] = (pair.value ?? null) as YamlNode
  }
  return out
}

function list (node: YamlNode): YamlNode[] {
  return isSeq(node) ? node.items as YamlNode[] : [node]
}

function scalar (node: YamlNode | null | undefined): unknown {
  return node !== null && node !== undefined && isScalar(node) ? node.value : undefined
}

function text (node: YamlNode | undefined, path: string, where: Where): string {
  const v = scalar(node)
  if (typeof v !== 'string' || v.trim() === '') return where(node, path, 'expected a non-empty string')
  return v
}

function duration (node: YamlNode, path: string, where: Where): number {
  try {
    return parseDuration(scalar(node), path)
  } catch {
    return where(node, path, `${JSON.stringify(scalar(node) ?? null)} is not a duration like 90s, 10m or 1h30m`)
  }
}

function step (node: YamlNode, path: string, keys: string[], defaultName: string, defaultTimeout: number, where: Where): Step {
  if (isScalar(node)) return { name: defaultName, run: text(node, path, where), timeoutMs: defaultTimeout }
  if (!isMap(node)) return where(node, path, 'a step is a command string or { run, name?, timeout? }')
  const f = fields(node, path, keys, where)
  if (f.run === undefined) return where(node, path, 'missing "run": the command to run')
  const name = f.name === undefined ? defaultName : text(f.name, `${path}.name`, where)
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) where(f.name, `${path}.name`, 'use letters, digits, ".", "_" and "-" (it names the step\'s log)')
  return { name, run: text(f.run, `${path}.run`, where), timeoutMs: f.timeout === undefined ? defaultTimeout : duration(f.timeout, `${path}.timeout`, where) }
}

function testStep (node: YamlNode, path: string, defaultName: string, defaultTimeout: number, where: Where): TestStep {
  const base = step(node, path, TEST_KEYS, defaultName, defaultTimeout, where)
  if (!isMap(node)) return { ...base, parser: 'auto', output: null }
  const f = fields(node, path, TEST_KEYS, where)
  let parser: ParserChoice = 'auto'
  if (f.parser !== undefined) {
    const p = scalar(f.parser)
    if (typeof p !== 'string' || !(PARSER_CHOICES as readonly string[]).includes(p)) {
      where(f.parser, `${path}.parser`, `unknown parser ${JSON.stringify(p ?? null)}; expected one of ${PARSER_CHOICES.join(', ')}`)
    }
    parser = p as ParserChoice
  }
  let output: string | null = null
  if (f.output !== undefined && scalar(f.output) !== 'stdout') output = relativePath(f.output, `${path}.output`, where)
  return { ...base, parser, output }
}

function relativePath (node: YamlNode, path: string, where: Where): string {
  const p = text(node, path, where)
  if (p.startsWith('/') || p.split('/').includes('..')) where(node, path, `"${p}" must be a path inside the tree (relative, no "..")`)
  return p
}

function stringMap (node: YamlNode | undefined, path: string, envNames: boolean, where: Where): Record<string, string> {
  if (node === undefined) return {}
  if (!isMap(node)) return where(node, path, 'expected a mapping of names to strings')
  const out: Record<string, string> = {}
  for (const pair of node.items) {
    const key = scalar(pair.key as YamlNode)
    const keyPath = `${path}.${String(key)}`
    if (typeof key !== 'string' || (envNames ? !ENV_NAME.test(key) : key === '')) where(pair.key as YamlNode, keyPath, envNames ? 'not a valid environment variable name' : 'expected a name')
    const v = scalar(pair.value as YamlNode)
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') where(pair.value as YamlNode, keyPath, 'expected a string')
    out[key as string] = String(v)
  }
  return out
}

/**
 * The parts of a recipe that determine a build (for the build identity) and
 * a test run (for the test-run identity's profile), as canonical values:
 * integers and strings only.
 */
export function recipeIdentityParts (recipe: Recipe): { build: { build: Array<Record<string, string | number>>, artifacts: string[], env: Record<string, string> }, test: Array<Record<string, string | number | null>> } {
  return {
    build: {
      build: recipe.build.map((s) => ({ name: s.name, run: s.run, timeoutMs: s.timeoutMs })),
      artifacts: [...recipe.artifacts],
      env: { ...recipe.env }
    },
    test: recipe.test.map((s) => ({ name: s.name, run: s.run, timeoutMs: s.timeoutMs, parser: s.parser, output: s.output }))
  }
}
