import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { repoRoot } from './paths.js'

/** The CLI in the same flavour as this test: compiled tests run dist/, tests run from source (tsx) run the source. */
function cliArgv (): string[] {
  return import.meta.url.endsWith('.ts')
    ? ['--import', 'tsx', join(repoRoot, 'node', 'cli', 'main.ts')]
    : [join(repoRoot, 'dist', 'node', 'cli', 'main.js')]
}

export interface CliResult { status: number, stdout: string, stderr: string }

export function cairn (home: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [...cliArgv(), '--home', home, ...args], { encoding: 'utf8', env: { ...process.env, CAIRN_HOME: '' } })
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
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
