/**
 * The CLI driven as a user drives it: through pipes, with wrong, missing and
 * misspelt options, --json and --jsonl parsed, completion sourced in bash and
 * the man page rendered. Zero stack traces; usage errors exit 2 naming the problem.
 */
import test from 'brittle'
import { spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { COMMANDS } from '../../node/cli/registry.js'
import type { CommandSpec } from '../../node/cli/spec.js'
import { cairn, cliArgv } from '../helpers/cli.js'

const shellQuote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`
const cairnLine = (home: string, args: string[]): string => [process.execPath, ...cliArgv(), '--home', home, ...args].map(shellQuote).join(' ')
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
const noStack = (stderr: string): boolean => !/INTERNAL|\n\s+at /.test(stderr)

/** `cairn ARGS | head -1` in bash: cairn's own exit status, its stderr, the line. */
function throughHead (home: string, args: string[]): { status: number, stderr: string, line: string } {
  const r = spawnSync('bash', ['-c', `${cairnLine(home, args)} | head -1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', env: { ...process.env, CAIRN_HOME: '' } })
  return { status: r.status ?? -1, stderr: r.stderr, line: r.stdout.trim() }
}

/** cairn with a stdout whose reader is gone before it writes: every write is EPIPE. */
async function closedStdout (home: string, args: string[]): Promise<{ status: number | null, stderr: string }> {
  const child = spawn(process.execPath, [...cliArgv(), '--home', home, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CAIRN_HOME: '' } })
  child.stdout.destroy()
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return { status, stderr }
}

/** Every command and subcommand, as the words that name it. */
function paths (): Array<{ words: string[], spec: CommandSpec }> {
  const out: Array<{ words: string[], spec: CommandSpec }> = []
  const go = (words: string[], spec: CommandSpec): void => {
    out.push({ words, spec })
    for (const sub of spec.subcommands ?? []) go([...words, sub.name], sub)
  }
  for (const c of COMMANDS) go([c.spec.name], c.spec)
  return out
}

const LISTS = [['log'], ['series', 'list'], ['results', 'list'], ['job', 'list'], ['trust', 'list'], ['status'], ['id'], ['--help'], ['help', 'series'], ['man'], ['completion', 'bash']]

test('lists in pipes: | head -1 and a closed stdout end quietly with exit 0', async (t) => {
  const home = join(await t.tmp(), 'h')
  t.is(cairn(home, 'init', '--name', 'piper').status, 0)
  for (const text of ['one', 'two', 'three']) t.is(cairn(home, 'post', 'note', '--body', JSON.stringify({ text })).status, 0)
  for (const args of LISTS) {
    const head = throughHead(home, args)
    t.is(head.status, 0, `cairn ${args.join(' ')} | head -1 exits 0`)
    t.ok(noStack(head.stderr), `no stack trace: ${head.stderr.trim()}`)
    const closed = await closedStdout(home, args)
    t.is(closed.status, 0, `cairn ${args.join(' ')} into a closed pipe exits 0`)
    t.is(closed.stderr.replace(/^no series.*\n/, ''), '', 'and says nothing')
  }
})

test('--json and --jsonl: one array, or one object per line, the same objects', async (t) => {
  const home = join(await t.tmp(), 'h')
  t.is(cairn(home, 'init', '--name', 'jay').status, 0)
  for (const text of ['one', 'two']) cairn(home, 'post', 'note', '--body', JSON.stringify({ text }))
  for (const args of [['log'], ['series', 'list'], ['results', 'list'], ['job', 'list']]) {
    const array = JSON.parse(cairn(home, ...args, '--json').stdout) as unknown[]
    const lines = cairn(home, ...args, '--jsonl').stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown)
    t.alike(lines, array, `cairn ${args.join(' ')}: --jsonl has the objects of --json`)
  }
  const notes = cairn(home, 'log', '--jsonl', '--type', 'note').stdout.trim().split('\n').map((l) => (JSON.parse(l) as { body: { text: string } }).body.text)
  t.alike(notes, ['one', 'two'])
  const both = cairn(home, 'log', '--json', '--jsonl')
  t.is(both.status, 2)
  t.ok(/give --json or --jsonl, not both/.test(both.stderr), both.stderr)
})

test('usage errors: exit 2, a message naming the problem, a suggestion for a typo', async (t) => {
  const home = join(await t.tmp(), 'h')
  t.is(cairn(home, 'init', '--name', 'typo').status, 0)
  const cases: Array<[string[], RegExp]> = [
    [['stauts'], /unknown command "stauts"; did you mean "status"\?/],
    [['log', '--limt', '3'], /unknown option --limt for cairn log; did you mean --limit\?/],
    [['log', '--limit'], /--limit needs a value \(N\), e\.g\. --limit 20/],
    [['log', '--limit', '-1'], /--limit must be an integer of at least 0, got "-1"/],
    [['log', '--json=yes'], /--json takes no value/],
    [['log', 'extra'], /unexpected argument "extra" \(cairn log takes none\)/],
    [['series', 'lsit'], /unknown subcommand "lsit"; expected list, show, diff or apply; did you mean "list"\?/],
    [['series'], /series needs a subcommand: list, show, diff or apply/],
    [['job', '--bogus'], /job needs a subcommand before the option --bogus: /],
    [['series', 'show'], /missing SERIES\nusage: cairn series show SERIES \[--json\]\ncairn series show --help shows every option/],
    [['series', 'apply', 'x'], /missing --repo DIR/],
    [['job', 'list', '--state', 'runing'], /--state "runing" is not one of .*; did you mean running\?/],
    [['mail', 'verdict', 'x', '--version', '0'], /--version must be an integer of at least 1, got "0"/],
    [['policy', 'check', 'x', '--verison', '1'], /unknown option --verison for cairn policy check; did you mean --version\?/],
    [['review', 'x', '--version', '1', '--version', '2'], /--version given twice/],
    [['runner', 'start', '--tags', 'x', '--jobs', '0'], /--jobs must be an integer of at least 1/],
    [['completion', 'fish'], /no completion for "fish"; give bash or zsh/],
    [['help', 'serie'], /no command "serie"; did you mean "series"\?/]
  ]
  for (const [args, message] of cases) {
    const r = cairn(home, ...args)
    t.is(r.status, 2, `cairn ${args.join(' ')} exits 2`)
    t.ok(message.test(r.stderr) && noStack(r.stderr), r.stderr.trim())
  }
  const missing = cairn(home, 'series', 'show', 'no-such-series')
  t.is(missing.status, 4, 'not found exits 4')
  t.ok(/^cairn: NOT_FOUND: /.test(missing.stderr), missing.stderr)
})

test('help: every command and subcommand lists each of its options, the same text as cairn help', async (t) => {
  const home = join(await t.tmp(), 'h')
  for (const { words, spec } of paths()) {
    const r = cairn(home, ...words, '--help')
    t.is(r.status, 0, `cairn ${words.join(' ')} --help`)
    const runs = spec.subcommands === undefined || spec.bare === true
    const missing = (runs ? spec.options ?? [] : []).filter((o) => !r.stdout.includes(`--${o.name}`))
    const subs = (spec.subcommands ?? []).filter((s) => !r.stdout.includes(s.name))
    t.alike([...missing.map((o) => o.name), ...subs.map((s) => s.name)], [], `cairn ${words.join(' ')} --help names every option and subcommand`)
    if (words.length <= 2) t.is(cairn(home, 'help', ...words).stdout, r.stdout, `cairn help ${words.join(' ')} says the same`)
  }
  const runner = cairn(home, 'runner', 'start', '--help').stdout
  t.ok(runner.includes('--lease DURATION') && runner.includes('default: 10m') && runner.includes('e.g. --lease 30m'), 'options show their default and an example')
  const root = cairn(home, '--help')
  t.ok(COMMANDS.every((c) => root.stdout.includes(c.spec.name)), 'cairn --help lists every command')
})

test('completion: bash -n, sourced in bash, completes commands, subcommands, options and choices', async (t) => {
  if (!has('bash')) { t.comment('no bash here: completion not checked'); return }
  const dir = await t.tmp()
  const script = join(dir, 'cairn.bash')
  writeFileSync(script, cairn(dir, 'completion', 'bash').stdout)
  t.is(spawnSync('bash', ['-n', script]).status, 0, 'bash -n accepts the script')
  const complete = (line: string): string[] => {
    const words = line.split(' ')
    const r = spawnSync('bash', ['-c', `source ${shellQuote(script)}; complete -p cairn >/dev/null || exit 9; COMP_WORDS=(${words.map(shellQuote).join(' ')}); COMP_CWORD=${words.length - 1}; _cairn; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' })
    t.is(r.status, 0, `complete -p cairn, then complete "${line}": ${r.stderr}`)
    return r.stdout.split('\n').filter((l) => l !== '')
  }
  t.alike(complete('cairn ser'), ['series'])
  t.alike(complete('cairn --home /tmp/x series l'), ['list'])
  t.alike(complete('cairn job list --st'), ['--state'])
  t.alike(complete('cairn job list --state r'), ['running'])
  t.alike(complete('cairn log --limit 3 --j'), ['--json', '--jsonl'])
  if (has('zsh')) {
    writeFileSync(join(dir, '_cairn'), cairn(dir, 'completion', 'zsh').stdout)
    t.is(spawnSync('zsh', ['-n', join(dir, '_cairn')]).status, 0, 'zsh -n accepts the zsh script')
  } else {
    t.comment('no zsh here: the zsh script is not syntax-checked')
  }
})

test('man page: renders with man -l (or groff) without warnings', async (t) => {
  const dir = await t.tmp()
  const page = join(dir, 'cairn.1')
  writeFileSync(page, cairn(dir, 'man').stdout)
  if (has('man')) {
    const r = spawnSync('man', ['-l', page], { encoding: 'utf8', env: { ...process.env, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '100' } })
    t.is(r.status, 0, r.stderr)
    t.ok(r.stdout.includes('cairn series diff') && r.stdout.includes('EXIT STATUS'), 'rendered with its commands and exit status')
  } else {
    t.comment('no man here: the page is checked with groff only')
  }
  if (has('groff')) {
    const r = spawnSync('groff', ['-man', '-ww', '-z', page], { encoding: 'utf8' })
    t.is(r.stderr, '', 'groff -ww finds nothing to warn about')
  } else {
    t.comment('no groff here: roff warnings not checked')
  }
})
