/**
 * Run one recipe step: `/bin/sh -c RUN` as the leader of a new session and
 * process group (spawn's `detached`), so the step and everything it starts
 * can be signalled as one (`kill(-pgid)`). On timeout or abort the group gets
 * SIGTERM, then SIGKILL after a grace period; when the step's shell exits,
 * whatever it left in its group is killed too, so nothing outlives its step.
 * A process that left the group (setsid, a daemon's double fork) is found by
 * the marker every step's environment carries (CAIRN_STEP, runners/proc.ts)
 * and killed with it; only one that also cleared its environment escapes.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { signalMarked } from './proc.js'

/** The variable naming each step's own token in its environment. */
export const STEP_MARKER = 'CAIRN_STEP'

interface StepOptions {
  command: string
  cwd: string
  /** The whole environment: nothing is inherited (CAIRN_STEP is added). */
  env: Record<string, string>
  timeoutMs: number
  /** stdout and stderr interleaved, as a person would read them. */
  logPath: string
  /** stdout alone, for the parser. */
  stdoutPath?: string
  /** Aborting kills the group (runner stopping, job cancelled). */
  signal?: AbortSignal
  /** Between SIGTERM and SIGKILL. */
  graceMs?: number
  /** Told the step's marker (`CAIRN_STEP=...`) before it is spawned: a runner killed at any moment after can still find what it started. */
  onMarker?: (marker: string) => void
  /** Told the process group id and the step's marker as soon as the step started. */
  onStart?: (pgid: number, marker: string) => void
}

export interface StepOutcome {
  /** Exit status of the step's shell, or null when it died of a signal. */
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  aborted: boolean
  durationMs: number
  pgid: number
}

const DEFAULT_GRACE_MS = 2000

/** SIGKILL every process carrying `marker`, a few rounds: a leftover may fork while being swept. */
export function sweepMarked (marker: string): void {
  for (let round = 0; round < 5; round++) if (signalMarked(marker, 'SIGKILL') === 0) return
}

/** Signal a whole process group; a group that is already gone is fine. */
export function killGroup (pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw err
  }
}

/** True while any process of the group is alive (zombies included). */
export function groupAlive (pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function ended (stream: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableFinished) { resolve(); return }
    stream.once('finish', () => resolve())
    stream.once('error', () => resolve())
    stream.end()
  })
}

export async function runStep (opts: StepOptions): Promise<StepOutcome> {
  const started = Date.now()
  const log = createWriteStream(opts.logPath)
  const out = opts.stdoutPath === undefined ? null : createWriteStream(opts.stdoutPath)
  const marker = `${STEP_MARKER}=${randomBytes(12).toString('hex')}`
  const env = { ...opts.env, [STEP_MARKER]: marker.slice(STEP_MARKER.length + 1) }
  opts.onMarker?.(marker)
  const child = spawn('/bin/sh', ['-c', opts.command], { cwd: opts.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const spawned = await new Promise<Error | null>((resolve) => {
    child.once('spawn', () => resolve(null))
    child.once('error', (err) => resolve(err))
  })
  if (spawned !== null || child.pid === undefined) {
    log.write(`cairn: cannot start /bin/sh in ${opts.cwd}: ${spawned?.message ?? 'no pid'}\n`)
    await Promise.all([ended(log), out === null ? null : ended(out)])
    return { code: 127, signal: null, timedOut: false, aborted: false, durationMs: Date.now() - started, pgid: 0 }
  }
  const pgid = child.pid
  opts.onStart?.(pgid, marker)
  child.stdout.on('data', (chunk: Buffer) => { log.write(chunk); out?.write(chunk) })
  child.stderr.on('data', (chunk: Buffer) => { log.write(chunk) })

  let timedOut = false
  let aborted = false
  let killTimer: NodeJS.Timeout | null = null
  const stop = (why: 'timeout' | 'abort'): void => {
    if (timedOut || aborted) return
    if (why === 'timeout') timedOut = true
    else aborted = true
    killGroup(pgid, 'SIGTERM')
    signalMarked(marker, 'SIGTERM')
    killTimer = setTimeout(() => { killGroup(pgid, 'SIGKILL'); signalMarked(marker, 'SIGKILL') }, opts.graceMs ?? DEFAULT_GRACE_MS)
  }
  const timer = setTimeout(() => stop('timeout'), opts.timeoutMs)
  const onAbort = (): void => stop('abort')
  if (opts.signal?.aborted === true) onAbort()
  else opts.signal?.addEventListener('abort', onAbort, { once: true })

  const exit = await exited
  // The shell is gone; anything it left behind in its group goes with it, and
  // so does what left the group but carries the step's marker (this also
  // closes pipes a background child still held open). A few rounds: a
  // leftover may fork while being swept.
  killGroup(pgid, 'SIGKILL')
  sweepMarked(marker)
  clearTimeout(timer)
  if (killTimer !== null) clearTimeout(killTimer)
  opts.signal?.removeEventListener('abort', onAbort)
  await closed
  if (timedOut) log.write(`\ncairn: step timed out after ${opts.timeoutMs} ms; its process group was killed\n`)
  if (aborted) log.write('\ncairn: step aborted; its process group was killed\n')
  await Promise.all([ended(log), out === null ? null : ended(out)])
  return { ...exit, timedOut, aborted, durationMs: Date.now() - started, pgid }
}
