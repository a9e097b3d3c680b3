// The suite runner (`npm test`): every compiled test file in a process of its
// own. brittle ends its process on the first error a test throws (a helper's
// time-out, a crash at teardown), so one process for the whole suite would
// stop the run there and hide every file after it. Here a crash fails its own
// file only, by name, and the run goes on. The last line is the plain
// "N passed, N failed" that CI reads.
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { repoRoot } from './helpers/paths.js'

const TIMEOUT_MS = process.env.CAIRN_TEST_TIMEOUT_MS ?? '120000'

interface FileOutcome { file: string, passed: number, failed: number, crashed: string | null }

function testFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return testFiles(path)
    return e.name.endsWith('.test.js') ? [path] : []
  }).sort()
}

/** Run one file, echo its TAP, and read brittle's own count (`# tests = P/T pass`). */
async function runFile (file: string, brittle: string): Promise<FileOutcome> {
  const name = relative(repoRoot, file)
  process.stdout.write(`\n# file ${name}\n`)
  // Its own process group: whatever the file started and left running when
  // it crashed (a daemon, a bootstrap node) is killed with the group after it.
  const child = spawn(brittle, ['--timeout', TIMEOUT_MS, name], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], detached: true })
  running = child.pid
  let tail = ''
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk)
    tail = (tail + chunk.toString('utf8')).slice(-4096)
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', (c, signal) => resolve(signal === null ? c : null)))
  killGroup(child.pid)
  const m = /# tests = (\d+)\/(\d+) pass/.exec(tail)
  if (m === null) return { file: name, passed: 0, failed: 1, crashed: `ended with ${code === null ? 'a signal' : `exit ${code}`} before its summary` }
  const passed = Number(m[1])
  const failed = Number(m[2]) - passed
  return { file: name, passed, failed, crashed: code !== 0 && failed === 0 ? `exit ${String(code)} after its tests passed` : null }
}

function killGroup (pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err // ESRCH: nothing left in the group
  }
}

let running: number | undefined
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => { killGroup(running); process.exit(130) }) // detached: the terminal's signal does not reach the group
}

const files = process.argv.length > 2 ? process.argv.slice(2) : testFiles(join(repoRoot, 'dist', 'test'))
const brittle = join(repoRoot, 'node_modules', '.bin', 'brittle-node')
const outcomes: FileOutcome[] = []
for (const file of files) outcomes.push(await runFile(file, brittle))

const bad = outcomes.filter((o) => o.failed > 0 || o.crashed !== null)
const passed = outcomes.reduce((n, o) => n + o.passed, 0)
const failed = outcomes.reduce((n, o) => n + o.failed + (o.crashed !== null && o.failed === 0 ? 1 : 0), 0)
process.stdout.write(`\n# ${files.length} files\n`)
for (const o of bad) process.stdout.write(`# failed: ${o.file}${o.crashed !== null ? ` (${o.crashed})` : ` (${o.failed} failing)`}\n`)
process.stdout.write(`${passed} passed, ${failed} failed\n`)
process.exitCode = bad.length === 0 ? 0 : 1
