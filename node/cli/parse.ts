import { CairnError } from '../../protocol/errors.js'
import type { CommandSpec, OptionSpec } from './spec.js'
import { didYouMean } from './suggest.js'

export interface Parsed {
  /** The command, then the subcommand chosen (if any): what help and usage errors speak of. */
  path: CommandSpec[]
  values: Record<string, unknown>
  positionals: string[]
  /** --help (or -h) was given: print the help of `path` instead of running. */
  help: boolean
}

/** A usage error: the parser's and the commands' own; main adds the usage line of the command that ran. */
export function usageError (problem: string): CairnError {
  return new CairnError('USAGE', problem)
}

const names = (specs: readonly CommandSpec[]): string => {
  const n = specs.map((s) => s.name)
  return n.length === 1 ? n[0] as string : `${n.slice(0, -1).join(', ')} or ${n[n.length - 1] ?? ''}`
}

/**
 * Parse `argv` (what follows the command name) against the command's spec.
 * Throws USAGE errors that name the problem; `path` (the command, then each
 * subcommand as it is chosen) says whose usage to show with them.
 */
export function parseCommand (command: CommandSpec, argv: string[], path: CommandSpec[] = [command]): Parsed {
  let spec = command
  let rest = argv
  while (spec.subcommands !== undefined) {
    const word = rest[0]
    if (word === '--help' || word === '-h') return { path, values: {}, positionals: [], help: true }
    const sub = spec.subcommands.find((s) => s.name === word)
    if (sub !== undefined) {
      spec = sub
      path.push(sub)
      rest = rest.slice(1)
      continue
    }
    if (spec.bare === true && (word === undefined || word.startsWith('-'))) break
    const expected = names(spec.subcommands)
    if (word === undefined) throw usageError(`${spec.name} needs a subcommand: ${expected}`)
    if (word.startsWith('-')) throw usageError(`${spec.name} needs a subcommand before the option ${word}: ${expected}`)
    throw usageError(`unknown subcommand "${word}"; expected ${expected}${didYouMean(word, spec.subcommands.map((s) => s.name), (c) => `"${c}"`)}`)
  }
  const end = rest.indexOf('--')
  if ((end === -1 ? rest : rest.slice(0, end)).some((a) => a === '--help' || a === '-h')) return { path, values: {}, positionals: [], help: true }
  return { path, help: false, ...parseOptions(spec, path.map((s) => s.name).join(' '), rest) }
}

function parseOptions (spec: CommandSpec, spoken: string, argv: string[]): { values: Record<string, unknown>, positionals: string[] } {
  const options = spec.options ?? []
  const values: Record<string, unknown> = {}
  const positionals: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--') { positionals.push(...argv.slice(i + 1)); break }
    if (!arg.startsWith('-') || arg === '-') { positionals.push(arg); continue }
    const eq = arg.indexOf('=')
    const name = arg.startsWith('--') ? arg.slice(2, eq === -1 ? undefined : eq) : arg
    const option = options.find((o) => o.name === name)
    if (option === undefined) {
      throw usageError(`unknown option ${arg.startsWith('--') ? `--${name}` : arg} for cairn ${spoken}${didYouMean(name.replace(/^-+/, ''), options.map((o) => o.name), (c) => `--${c}`)}`)
    }
    let raw: string | undefined
    if (eq !== -1) raw = arg.slice(eq + 1)
    else if (option.type !== 'boolean') {
      raw = argv[++i]
      if (raw === undefined) throw usageError(`--${name} needs a value (${option.value ?? 'VALUE'})${option.example !== undefined ? `, e.g. ${option.example}` : ''}`)
    }
    if (option.type === 'boolean' && raw !== undefined) throw usageError(`--${name} takes no value (got "${raw}")`)
    const value = option.type === 'boolean' ? true : convert(option, raw as string)
    if (option.multiple === true) values[name] = [...(values[name] as unknown[] | undefined ?? []), value]
    else if (name in values) throw usageError(`--${name} given twice; it takes one value`)
    else values[name] = value
  }
  for (const o of options) {
    if (o.name in values) continue
    if (o.required === true) throw usageError(`missing --${o.name}${o.value !== undefined ? ` ${o.value}` : ''}: ${o.description}`)
    if (o.default !== undefined) values[o.name] = o.default
  }
  if (values.json === true && values.jsonl === true) throw usageError('give --json or --jsonl, not both')
  checkPositionals(spec, spoken, positionals)
  return { values, positionals }
}

function convert (option: OptionSpec, raw: string): string | number {
  if (option.choices !== undefined && !option.choices.includes(raw)) {
    throw usageError(`--${option.name} "${raw}" is not one of ${option.choices.join(', ')}${didYouMean(raw, option.choices)}`)
  }
  if (option.type !== 'int') return raw
  const min = option.min ?? 0
  const n = raw.trim() === '' ? NaN : Number(raw)
  if (!Number.isSafeInteger(n) || n < min) throw usageError(`--${option.name} must be an integer of at least ${min}, got "${raw}"`)
  return n
}

function checkPositionals (spec: CommandSpec, spoken: string, positionals: string[]): void {
  const args = spec.args ?? []
  const required = args.filter((a) => !a.startsWith('['))
  const variadic = args.some((a) => a.endsWith('...') || a.endsWith('...]'))
  if (positionals.length < required.length) {
    throw usageError(`missing ${required.slice(positionals.length).join(' ')}`)
  }
  if (!variadic && positionals.length > args.length) {
    const extra = positionals.slice(args.length)
    const looksLikeOption = extra.find((p) => p.startsWith('—') || p.startsWith('–'))
    throw usageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((p) => `"${p}"`).join(' ')}${args.length === 0 ? ` (cairn ${spoken} takes none)` : ''}${looksLikeOption !== undefined ? ' (a typographic dash: options start with --)' : ''}`)
  }
}
