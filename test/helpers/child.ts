import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'

/** The argv that runs a helper script next to this file, compiled (.js) or under tsx (.ts). */
export function helperArgv (name: string, args: string[]): string[] {
  const js = fileURLToPath(new URL(`./${name}.js`, import.meta.url))
  const ts = fileURLToPath(new URL(`./${name}.ts`, import.meta.url))
  return [process.execPath, ...(existsSync(js) ? [js] : ['--import', 'tsx', ts]), ...args]
}

/** Run a helper script next to this file as a child node process. */
export function spawnHelper (name: string, args: string[]): { child: ChildProcess, lines: AsyncIterableIterator<string> } {
  const [node, ...argv] = helperArgv(name, args)
  const child = spawn(node ?? process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]()
  return { child, lines }
}

export async function nextJson (lines: AsyncIterableIterator<string>): Promise<Record<string, unknown>> {
  const { value, done } = await lines.next()
  if (done === true) throw new Error('child ended early')
  return JSON.parse(value) as Record<string, unknown>
}

export async function killed (child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  await gone
}
