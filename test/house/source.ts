import { parse } from '@babel/parser'

/**
 * What the house rules read from one TypeScript file: its imports, its
 * exports, its functions' extents, its length. Read with babel's parser
 * (TypeScript 7 has no JS API); names are only collected, never resolved
 * against types.
 */
export interface Source {
  path: string
  lines: number
  /** The file says it is generated (`@generated` or `Code generated` near the top): sizes are not checked. */
  generated: boolean
  imports: Import[]
  exports: Export[]
  functions: Fn[]
}

export interface Import {
  /** The specifier as written: './x.js', 'node:fs'. */
  from: string
  line: number
  kind: 'static' | 'reexport' | 'dynamic'
  /** Every name it takes is a type (`import type`, `export type ... from`, or each specifier `type`). */
  typeOnly: boolean
  /** The names taken; '*' for a namespace import, `export *` or a dynamic import (all of them). */
  names: string[]
}

/** `type`: an interface, a type alias or `export type { }`, gone once compiled. */
interface Export { name: string, line: number, type: boolean }

interface Fn { name: string, line: number, lines: number }

interface Node {
  type: string
  loc?: { start: { line: number }, end: { line: number } }
  [key: string]: unknown
}

const TYPE_DECLARATIONS = new Set(['TSInterfaceDeclaration', 'TSTypeAliasDeclaration'])

const GENERATED = /@generated|Code generated/

export function readSource (path: string, text: string): Source {
  const ast = parse(text, { sourceType: 'module', plugins: ['typescript'] }).program as unknown as Node
  const source: Source = {
    path,
    lines: text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length,
    generated: GENERATED.test(text.split('\n').slice(0, 5).join('\n')),
    imports: [],
    exports: [],
    functions: []
  }
  for (const node of ast.body as Node[]) readTopLevel(node, source)
  walk(ast, (node, name) => {
    const call = dynamicImport(node)
    if (call !== null) source.imports.push(call)
    if (FUNCTION_TYPES.has(node.type) && node.body !== null && node.body !== undefined) {
      source.functions.push({ name: functionName(node) ?? name, line: line(node), lines: (node.loc?.end.line ?? 0) - line(node) + 1 })
    }
  })
  return source
}

function readTopLevel (node: Node, source: Source): void {
  const at = line(node)
  const from = (node.source as Node | null | undefined)?.value as string | undefined
  const specifiers = (node.specifiers ?? []) as Node[]
  if (node.type === 'ImportDeclaration' && from !== undefined) {
    const typeOnly = node.importKind === 'type' || (specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type'))
    source.imports.push({ from, line: at, kind: 'static', typeOnly, names: specifiers.map(importedName) })
  } else if (node.type === 'ExportAllDeclaration' && from !== undefined) {
    source.imports.push({ from, line: at, kind: 'reexport', typeOnly: node.exportKind === 'type', names: ['*'] })
  } else if (node.type === 'ExportNamedDeclaration') {
    if (from !== undefined) {
      const typeOnly = node.exportKind === 'type' || specifiers.every((s) => s.exportKind === 'type')
      source.imports.push({ from, line: at, kind: 'reexport', typeOnly, names: specifiers.map((s) => nameOf(s.local as Node)) })
    }
    for (const s of specifiers) source.exports.push({ name: nameOf(s.exported as Node), line: at, type: node.exportKind === 'type' || s.exportKind === 'type' })
    const decl = node.declaration as Node | null
    for (const name of declaredNames(decl)) source.exports.push({ name, line: at, type: decl !== null && TYPE_DECLARATIONS.has(decl.type) })
  } else if (node.type === 'ExportDefaultDeclaration') {
    source.exports.push({ name: 'default', line: at, type: false })
  } else if (node.type === 'TSModuleDeclaration' && (node.id as Node).type === 'StringLiteral') {
    // `declare module './x.js' { interface I { ... } }` augments x's I: a use of it
    const body = ((node.body as Node | undefined)?.body ?? []) as Node[]
    source.imports.push({ from: (node.id as Node).value as string, line: at, kind: 'static', typeOnly: true, names: body.flatMap((d) => declaredNames(d)) })
  }
}

function importedName (s: Node): string {
  if (s.type === 'ImportDefaultSpecifier') return 'default'
  if (s.type === 'ImportNamespaceSpecifier') return '*'
  return nameOf(s.imported as Node)
}

/** The names a declaration binds: `export const a = 1, b = 2`, `export function f`, `export interface I`... */
function declaredNames (decl: Node | null): string[] {
  if (decl === null) return []
  if (decl.type === 'VariableDeclaration') {
    return (decl.declarations as Node[]).flatMap((d) => bindingNames(d.id as Node))
  }
  const id = decl.id as Node | null | undefined
  return id === null || id === undefined ? [] : [nameOf(id)]
}

function bindingNames (pattern: Node): string[] {
  if (pattern.type === 'Identifier') return [pattern.name as string]
  if (pattern.type === 'ObjectPattern') return (pattern.properties as Node[]).flatMap((p) => bindingNames((p.value ?? p.argument) as Node))
  if (pattern.type === 'ArrayPattern') return (pattern.elements as Array<Node | null>).flatMap((e) => e === null ? [] : bindingNames(e))
  if (pattern.type === 'RestElement') return bindingNames(pattern.argument as Node)
  if (pattern.type === 'AssignmentPattern') return bindingNames(pattern.left as Node)
  return []
}

function nameOf (node: Node): string {
  return (node.type === 'StringLiteral' ? node.value : node.name) as string
}

/** `import('./x.js')` with a literal specifier. */
function dynamicImport (node: Node): Import | null {
  if (node.type !== 'CallExpression' || (node.callee as Node).type !== 'Import') return null
  const [arg] = node.arguments as Node[]
  if (arg?.type !== 'StringLiteral') return null
  return { from: arg.value as string, line: line(node), kind: 'dynamic', typeOnly: false, names: ['*'] }
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassMethod', 'ClassPrivateMethod', 'ObjectMethod'])

function functionName (node: Node): string | null {
  const key = (node.id ?? node.key) as Node | null | undefined
  if (key === null || key === undefined) return null
  return key.type === 'Identifier' || key.type === 'StringLiteral' ? nameOf(key) : null
}

/**
 * Every node under `root`, with a name for anonymous functions: the variable
 * or property it is assigned to, or the first string argument of the call it
 * is passed to (a test's title).
 */
function walk (root: Node, visit: (node: Node, name: string) => void, name = '(anonymous)'): void {
  visit(root, name)
  const inner = innerName(root) ?? name
  for (const [key, value] of Object.entries(root)) {
    if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments') continue
    for (const child of Array.isArray(value) ? value : [value]) {
      if (isNode(child)) walk(child, visit, inner)
    }
  }
}

function innerName (node: Node): string | null {
  if (node.type === 'VariableDeclarator' || node.type === 'ObjectProperty' || node.type === 'ClassProperty') {
    const key = (node.id ?? node.key) as Node
    return key.type === 'Identifier' || key.type === 'StringLiteral' ? nameOf(key) : null
  }
  if (node.type === 'CallExpression') {
    const first = (node.arguments as Node[])[0]
    if (first?.type === 'StringLiteral') return `'${first.value as string}'`
  }
  return null
}

function isNode (value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string'
}

function line (node: Node): number {
  return node.loc?.start.line ?? 0
}
