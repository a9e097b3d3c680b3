import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import type { TestInstance } from 'brittle'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { repoRoot } from './paths.js'

/** The CLI in the same flavour as this test: compiled tests run dist/, tests run from source (tsx) run the source. */
export function cliArgv (): string[] {
  return import.meta.url.endsWith('.ts')
    ? ['--import', 'tsx', join(repoRoot, 'node', 'cli', 'main.ts')]
    : [join(repoRoot, 'dist', 'node', 'cli', 'main.js')]
}

interface CliResult { status: number, stdout: string, stderr: string }

/** The argv of `cairn --home HOME ARGS` in this test's flavour, to run here or on another host (helpers/netns.ts). */
export function cairnArgv (home: string, ...args: string[]): string[] {
  return [process.execPath, ...cliArgv(), '--home', home, ...args]
}

/** Run `argv` to the end, with `input` on stdin when given. */
export function runArgv (argv: readonly string[], input?: string | Buffer): CliResult {
  const r = spawnSync(argv[0] ?? '', argv.slice(1), { ...(input === undefined ? {} : { input }), encoding: 'utf8', env: { ...process.env, CAIRN_HOME: '' } })
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

export function cairn (home: string, ...args: string[]): CliResult {
  return runArgv(cairnArgv(home, ...args))
}

/** Start a long-running cairn command and wait for the first stdout line matching `ready`. */
export async function cairnBackground (home: string, ready: RegExp, ...args: string[]): Promise<{ child: ChildProcess, match: RegExpExecArray }> {
  const child = spawn(process.execPath, [...cliArgv(), '--home', home, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  for await (const line of createInterface({ input: child.stdout })) {
    const match = ready.exec(line)
    if (match !== null) return { child, match }
  }
  throw new Error(`cairn ${args.join(' ')} exited before printing ${String(ready)}`)
}

/** `cairn --home HOME ARGS` with `input` on stdin. */
export function cairnIn (home: string, input: string | Buffer, ...args: string[]): CliResult {
  return runArgv(cairnArgv(home, ...args), input)
}

/** A long-running `cairn` child whose output lines (stdout, and stderr prefixed) are all kept, to wait on or count. */
export interface CairnChild {
  child: ChildProcess
  lines: string[]
  waitFor: (re: RegExp, ms?: number) => Promise<RegExpExecArray>
  count: (re: RegExp) => number
  exited: Promise<number | null>
}

/** Start `cairn ARGS` in the background; it is killed on teardown if still running. */
export function cairnChild (t: TestInstance, home: string, ...args: string[]): CairnChild {
  return watchedChild(t, cairnArgv(home, ...args))
}

/** Start `argv` in the background with its lines kept, as cairnChild does (another host's cairn, a helper script). */
export function watchedChild (t: TestInstance, argv: readonly string[]): CairnChild {
  const args = argv.slice(1)
  const child = spawn(argv[0] ?? '', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CAIRN_HOME: '' } })
  const lines: string[] = []
  const waiters = new Set<() => void>()
  const push = (line: string): void => { lines.push(line); for (const w of waiters) w() }
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', push)
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => push(`stderr: ${l}`))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); for (const w of waiters) w() }))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  }, { order: -3 })
  const waitFor = async (re: RegExp, ms = 60_000): Promise<RegExpExecArray> => {
    const deadline = Date.now() + ms
    for (;;) {
      for (const l of lines) { const m = re.exec(l); if (m !== null) return m }
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`cairn ${args.join(' ')} exited before printing ${String(re)}:\n${lines.join('\n')}`)
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(re)} from cairn ${args.join(' ')}:\n${lines.join('\n')}`)
      await new Promise<void>((resolve) => {
        const w = (): void => { waiters.delete(w); clearTimeout(timer); resolve() }
        const timer = setTimeout(w, 200) // also re-check on a clock: the child may exit without a line
        waiters.add(w)
      })
    }
  }
  return { child, lines, waitFor, count: (re) => lines.filter((l) => re.test(l)).length, exited }
}

/** Resolves once `re` has matched n lines of the child's output (checked as output arrives). */
export async function nthLine (c: CairnChild, re: RegExp, n: number): Promise<void> {
  while (c.count(re) < n) {
    if (c.child.exitCode !== null || c.child.signalCode !== null) throw new Error(`exited before ${n} lines matching ${String(re)}:\n${c.lines.join('\n')}`)
    await new Promise<void>((resolve) => {
      const next = (): void => { c.child.stdout?.off('data', next); c.child.off('exit', next); setImmediate(resolve) }
      c.child.stdout?.on('data', next)
      c.child.on('exit', next)
    })
  }
}
