/**
 * Issue 18's check, over every command and subcommand the registry declares
 * (so a new one is walked without editing this file): a wrong, a misspelt and
 * a missing option, a missing argument, a value that is not a number; each
 * must exit 2 naming what was wrong, with no stack trace. Then every list
 * read with --json and --jsonl, parsed by jq, also through `| head -1`.
 * Pipes, completion and the man page: usage.test.ts.
 */
import test from 'brittle'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { COMMANDS } from '../../node/cli/registry.js'
import type { CommandSpec, OptionSpec } from '../../node/cli/spec.js'
import { cairn, cairnArgv } from '../helpers/cli.js'

const noStack = (stderr: string): boolean => !/INTERNAL|\n\s+at /.test(stderr)
const shellQuote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`
const hasJq = spawnSync('sh', ['-c', 'command -v jq']).status === 0

/** Every command path that runs (a command without subcommands, or one that also runs bare), with its spec. */
function runnable (): Array<{ words: string[], spec: CommandSpec }> {
  const out: Array<{ words: string[], spec: CommandSpec }> = []
  const go = (words: string[], spec: CommandSpec): void => {
    if (spec.subcommands === undefined || spec.bare === true) out.push({ words, spec })
    for (const sub of spec.subcommands ?? []) go([...words, sub.name], sub)
  }
  for (const c of COMMANDS) go([c.spec.name], c.spec)
  return out
}

/** Placeholders for the required arguments and options, so the parser reaches the mistake under test. */
function required (spec: CommandSpec, except?: OptionSpec): string[] {
  const args = (spec.args ?? []).filter((a) => !a.startsWith('[')).map(() => 'x')
  const options = (spec.options ?? []).filter((o) => o.required === true && o !== except).flatMap((o) => [`--${o.name}`, o.choices?.[0] ?? (o.type === 'int' ? '1' : 'x')])
  return [...args, ...options]
}

/** The first swap of two different adjacent letters after the first (--limit -> --lmiit, --announced -> --anonunced): one edit. */
function misspelt (name: string): string {
  const i = [...name].findIndex((c, j) => j > 0 && name[j + 1] !== undefined && c !== name[j + 1])
  return `${name.slice(0, i)}${name[i + 1] ?? ''}${name[i] ?? ''}${name.slice(i + 2)}`
}

/** Each mistake, for a command that can make it: the arguments after its words, and what the message must name. */
const MISTAKES: Array<[string, (spec: CommandSpec) => [string[], RegExp] | null]> = [
  ['an unknown option', (spec) => [[...required(spec), '--no-such-option'], /unknown option --no-such-option for cairn/]],
  ['a misspelt option gets a suggestion', (spec) => {
    const longest = [...spec.options ?? []].sort((a, b) => b.name.length - a.name.length)[0]
    return longest === undefined || longest.name.length < 4 ? null : [[...required(spec), `--${misspelt(longest.name)}`], new RegExp(`did you mean --${longest.name}\\?`)]
  }],
  ['an option without its value', (spec) => {
    const valued = spec.options?.find((o) => o.type !== 'boolean')
    return valued === undefined ? null : [[...required(spec, valued), `--${valued.name}`], new RegExp(`--${valued.name} needs a value`)]
  }],
  ['a number option given a word', (spec) => {
    const int = spec.options?.find((o) => o.type === 'int')
    return int === undefined ? null : [[...required(spec, int), `--${int.name}`, 'many'], new RegExp(`--${int.name} must be an integer`)]
  }],
  ['a missing argument', (spec) => (spec.args ?? []).some((a) => !a.startsWith('[')) ? [[], /missing /] : null]
]

// A test per mistake: each stays a few dozen processes.
for (const [mistake, make] of MISTAKES) {
  test(`every command, ${mistake}: exit 2 naming it, no stack trace`, async (t) => {
    const home = join(await t.tmp(), 'never-made') // parsing fails first: no command runs, no home is made
    for (const { words, spec } of runnable()) {
      const made = make(spec)
      if (made === null) continue
      const args = [...words, ...made[0]]
      const r = cairn(home, ...args)
      t.ok(r.status === 2 && made[1].test(r.stderr) && noStack(r.stderr), `cairn ${args.join(' ')}: exit ${r.status}, ${r.stderr.split('\n')[0] ?? ''}`)
    }
  })
}

/** The lists a user reads, each taking --json (and --jsonl when marked). */
const READS: Array<[string[], boolean]> = [
  [['id'], false], [['status'], false], [['trust', 'list'], false], [['log'], true], [['series', 'list'], true],
  [['job', 'list'], true], [['schedule', 'list'], true], [['results', 'list'], true], [['flakes'], true], [['regressions'], true]
]

// jq fails (exit 5) on a line that is not a JSON object; no line at all (an empty list) is fine.
const OBJECTS = shellQuote('if type == "object" then empty else error("not one object per line") end')

test('--json and --jsonl parse with jq, whole and through | head -1', { skip: !hasJq }, async (t) => {
  const home = join(await t.tmp(), 'h')
  t.is(cairn(home, 'init', '--name', 'walker').status, 0)
  for (const text of ['one', 'two']) t.is(cairn(home, 'post', 'note', '--body', JSON.stringify({ text })).status, 0)
  const line = (args: string[]): string => cairnArgv(home, ...args).map(shellQuote).join(' ')
  const bash = (script: string): { status: number | null, stderr: string } => spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, CAIRN_HOME: '' } })
  for (const [args, jsonl] of READS) {
    const json = bash(`set -o pipefail; ${line([...args, '--json'])} | jq -e 'type == "array" or type == "object"' >/dev/null`)
    t.ok(json.status === 0 && noStack(json.stderr), `cairn ${args.join(' ')} --json | jq: ${json.stderr.trim()}`)
    if (!jsonl) continue
    const lines = bash(`set -o pipefail; ${line([...args, '--jsonl'])} | jq ${OBJECTS} >/dev/null`)
    t.ok(lines.status === 0 && noStack(lines.stderr), `cairn ${args.join(' ')} --jsonl | jq: ${lines.stderr.trim()}`)
    const head = bash(`set -o pipefail; ${line([...args, '--jsonl'])} | head -1 | jq ${OBJECTS} >/dev/null`)
    t.ok(head.status === 0 && noStack(head.stderr), `cairn ${args.join(' ')} --jsonl | head -1 | jq: ${head.stderr.trim()}`)
  }
})
