import type { CommandSpec, OptionSpec } from './spec.js'
import { HELP_OPTION } from './spec.js'
import { GLOBAL_OPTIONS, SPECS } from './specs/index.js'

/** Colour only on a terminal, and never with NO_COLOR (https://no-color.org). */
export function wantsColor (stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb'
}

const bold = (text: string, color: boolean): string => color ? `\x1b[1m${text}\x1b[22m` : text

function optionUsage (o: OptionSpec): string {
  const flag = `--${o.name}${o.value !== undefined ? ` ${o.value}` : ''}`
  const more = o.multiple === true ? '...' : ''
  return o.required === true ? `${flag}${more}` : `[${flag}]${more}`
}

/** The usage line of a command or subcommand. */
export function usageLine (path: readonly CommandSpec[]): string {
  const spec = path[path.length - 1] as CommandSpec
  const name = `cairn ${path.map((s) => s.name).join(' ')}`
  const own = [...(spec.args ?? []), ...(spec.options ?? []).map(optionUsage)].join(' ')
  if (spec.subcommands === undefined) return own === '' ? name : `${name} ${own}`
  const subs = `${spec.subcommands.map((s) => s.name).join('|')} ...`
  return spec.bare === true ? `${name} ${own} | ${name} ${subs}` : `${name} ${subs}`
}

/** "the description (default: X; one of ...; repeatable); e.g. EXAMPLE" */
export function optionText (o: OptionSpec): string {
  const notes = [
    ...(o.required === true ? ['required'] : []),
    ...(o.default !== undefined ? [`default: ${String(o.default)}`] : []),
    ...(o.choices !== undefined ? [`one of ${o.choices.join(', ')}`] : []),
    ...(o.multiple === true ? ['repeatable'] : [])
  ]
  return `${o.description}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}${o.example !== undefined ? `; e.g. ${o.example}` : ''}`
}

function table (rows: Array<[string, string]>): string[] {
  const width = Math.min(Math.max(...rows.map(([l]) => l.length)) + 2, 32)
  return rows.map(([l, r]) => l.length + 2 > width ? `  ${l}\n  ${' '.repeat(width)}${r}` : `  ${l.padEnd(width)}${r}`)
}

/** `cairn CMD [SUB] --help`: usage, summary, every option with its default and an example, subcommands, examples. */
export function commandHelp (path: readonly CommandSpec[], color = false): string {
  const spec = path[path.length - 1] as CommandSpec
  const name = `cairn ${path.map((s) => s.name).join(' ')}`
  const lines = [`${bold('usage:', color)} ${usageLine(path)}`, '', spec.summary]
  const runs = spec.subcommands === undefined || spec.bare === true
  if (runs) {
    const options: OptionSpec[] = [...(spec.options ?? []), HELP_OPTION]
    lines.push('', bold('options:', color), ...table(options.map((o) => [`--${o.name}${o.value !== undefined ? ` ${o.value}` : ''}`, optionText(o)])))
  }
  if (spec.subcommands !== undefined) {
    lines.push('', bold('commands:', color), ...table(spec.subcommands.map((s) => [s.name, s.summary])))
    lines.push('', `${name} COMMAND --help shows each one's options.`)
  }
  if (spec.examples !== undefined) lines.push('', bold('examples:', color), ...spec.examples.map((e) => `  ${e}`))
  return lines.join('\n')
}

/** `cairn --help`: the global options and every command. */
export function rootHelp (color = false): string {
  return [
    `${bold('usage:', color)} cairn [--home DIR] COMMAND [ARGS...]`,
    '',
    bold('options:', color),
    ...table(GLOBAL_OPTIONS.map((o) => [`--${o.name}${'value' in o ? ` ${o.value}` : ''}`, o.description])),
    '',
    bold('commands:', color),
    ...table(SPECS.map((s) => [s.name, s.summary])),
    '',
    'cairn help COMMAND (or cairn COMMAND --help) shows its options, defaults and examples.',
    'Exit status: 0 done, 1 failed, 2 usage error, 3 locked (would block), 4 not found.'
  ].join('\n')
}
