/**
 * What a command accepts, declared once: the parser, `cairn help`, `--help`,
 * shell completion and the man page are all generated from these, so help
 * cannot drift from behaviour. Specs import nothing heavy: `cairn --help`
 * reads every one without loading a command's implementation.
 */

export interface Io {
  out: (line: string) => void
  err: (line: string) => void
}

export interface Context {
  home: string
  io: Io
  /** Resolves when the user asks the process to stop (SIGINT/SIGTERM). */
  stopped: Promise<void>
}

type OptionType = 'boolean' | 'string' | 'int'

export interface OptionSpec {
  readonly name: string
  readonly type: OptionType
  readonly description: string
  /** The value's placeholder in usage and help ("N", "DIR"). */
  readonly value?: string
  readonly multiple?: boolean
  readonly required?: boolean
  /** Applied by the parser when the option is not given. */
  readonly default?: string | number
  /** The smallest value an int option takes (default 0). */
  readonly min?: number
  /** The only values accepted (completion offers them). */
  readonly choices?: readonly string[]
  readonly example?: string
}

export interface CommandSpec {
  readonly name: string
  readonly summary: string
  /** Positional arguments as usage shows them: "SERIES", "[FILE]", "ID...". */
  readonly args?: readonly string[]
  readonly options?: readonly OptionSpec[]
  readonly subcommands?: readonly CommandSpec[]
  /** With subcommands: the command also runs without one (`cairn id` beside `cairn id publish`). */
  readonly bare?: boolean
  readonly examples?: readonly string[]
}

type ValueOf<O extends OptionSpec> = O['type'] extends 'boolean'
  ? boolean
  : O['type'] extends 'int' ? number : O['multiple'] extends true ? string[] : string

type OptionsOf<S> = S extends { readonly options: ReadonlyArray<infer O> } ? O extends OptionSpec ? O : never : never

/** Required options and those with a default are always there after parsing. */
type Present<O> = O extends { readonly required: true } ? true : O extends { readonly default: string | number } ? true : false

/** The parsed options of spec S, typed from its declaration (declare specs `as const`). */
type Values<S> =
  { readonly [O in OptionsOf<S> as Present<O> extends true ? O['name'] : never]: ValueOf<O> } &
  { readonly [O in OptionsOf<S> as Present<O> extends true ? never : O['name']]?: ValueOf<O> }

export interface Args<S = CommandSpec> {
  values: Values<S>
  positionals: string[]
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler narrows to its own spec
export type Handler = (ctx: Context, args: Args<any>) => Promise<void> | void

/** A command's implementation: loaded only when it runs. */
export interface Command {
  /** Runs the command itself (no subcommand). */
  run?: Handler
  /** Runs each subcommand, by name. */
  subcommands?: Readonly<Record<string, Handler>>
}

/* Options that mean the same thing in every command that takes them. */

export const JSON_OPTION = { name: 'json', type: 'boolean', description: 'print JSON (shapes in README, "JSON output")' } as const satisfies OptionSpec
export const JSONL_OPTION = { name: 'jsonl', type: 'boolean', description: 'print JSON Lines: one JSON object per line, the same objects as --json' } as const satisfies OptionSpec
export const LIMIT_OPTION = { name: 'limit', type: 'int', value: 'N', description: 'print at most N', example: '--limit 20' } as const satisfies OptionSpec
export const VERSION_OPTION = { name: 'version', type: 'int', value: 'N', min: 1, description: 'revision vN of the series (default: its latest)', example: '--version 2' } as const satisfies OptionSpec
export const REPO_OPTION = { name: 'repo', type: 'string', value: 'DIR', description: 'the git working tree', example: '--repo ~/src/linux' } as const satisfies OptionSpec

/** Options the parser handles for every command. */
export const HELP_OPTION = { name: 'help', type: 'boolean', description: 'show this help' } as const satisfies OptionSpec
