/**
 * Run telemetry: while a step runs, its processes (the step's process group,
 * and any that left it but carry the step's marker) are sampled from Linux
 * /proc: CPU, resident memory, I/O and how many there are. The series is
 * stored as a blob of the result (`telemetry/<kind>-<step>.json`) and drawn
 * by the UI. A sample is taken as the step starts, every interval while it
 * runs, and once more when it has ended (what outlived it, usually nothing),
 * so even a step shorter than one interval has two points to draw.
 * Elsewhere than Linux, or for processes not ours to read, the samples are
 * empty, never an error.
 *
 * CPU counts the processes' own time and that of the children they waited
 * for (utime+stime+cutime+cstime), so work done by short-lived children
 * shows; I/O counts only live processes (a reaped child's bytes are not
 * kept by Linux anywhere we can read).
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

/** What `telemetry/*.json` holds: one array per column, x first (ms since the step started). */
export interface Telemetry {
  v: 1
  step: string
  intervalMs: number
  t: number[]
  /** CPU use over the last interval, in percent of one core. */
  cpu: number[]
  rssBytes: number[]
  readBytes: number[]
  writeBytes: number[]
  procs: number[]
}

/** About an hour at one sample a second; past it, every other sample is dropped and the interval doubles. */
const MAX_SAMPLES = 4096

let ticksPerSecond: number | null = null
function clockTicks (): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100 // Linux's USER_HZ on every common architecture
    }
  }
  return ticksPerSecond
}

interface ProcSample { cpuTicks: number, rss: number, read: number, write: number }

function readProc (pid: string, pgid: number, marker: string): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parens, so read after the last ')'
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (f[0] === 'Z') return null
    if (Number(f[2]) !== pgid && !readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) return null
    const cpuTicks = [11, 12, 13, 14].reduce((n, i) => n + Number(f[i] ?? 0), 0)
    const rssKb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    let read = 0
    let write = 0
    try {
      const io = readFileSync(`/proc/${pid}/io`, 'utf8')
      read = Number(/^read_bytes: (\d+)$/m.exec(io)?.[1] ?? 0)
      write = Number(/^write_bytes: (\d+)$/m.exec(io)?.[1] ?? 0)
    } catch {} // io needs ptrace access; a setuid child's is not ours to read
    return { cpuTicks, rss: Number(rssKb ?? 0) * 1024, read, write }
  } catch {
    return null // gone meanwhile, or not ours to read
  }
}

/** Samples one step's processes every `intervalMs` until `stop()`. */
export class StepTelemetry {
  private readonly series: Telemetry
  // performance.now(): sub-millisecond, so a quick step's start and end samples still differ in time
  private readonly started = performance.now()
  private timer: NodeJS.Timeout | null = null
  private stopped = false
  private lastTicks = 0
  private lastAt = this.started

  constructor (step: string, private readonly pgid: number, private readonly marker: string, intervalMs: number) {
    this.series = { v: 1, step, intervalMs, t: [], cpu: [], rssBytes: [], readBytes: [], writeBytes: [], procs: [] }
    this.sample()
    this.timer = setInterval(() => this.sample(), intervalMs)
    this.timer.unref()
  }

  private sample (): void {
    const now = performance.now() // when the reading began: the first sample is the step's start
    let pids: string[]
    try {
      pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
    } catch {
      return
    }
    const total = { cpuTicks: 0, rss: 0, read: 0, write: 0, procs: 0 }
    for (const pid of pids) {
      const s = readProc(pid, this.pgid, this.marker)
      if (s === null) continue
      total.cpuTicks += s.cpuTicks
      total.rss += s.rss
      total.read += s.read
      total.write += s.write
      total.procs++
    }
    const s = this.series
    // Processes that ended take their ticks with them: never draw a negative use. The first sample has no interval behind it.
    const cpu = s.t.length === 0 ? 0 : Math.max(0, total.cpuTicks - this.lastTicks) / clockTicks() / Math.max(0.001, (now - this.lastAt) / 1000) * 100
    this.lastTicks = total.cpuTicks
    this.lastAt = now
    s.t.push(Math.round((now - this.started) * 1000) / 1000)
    s.cpu.push(Math.round(cpu * 10) / 10)
    s.rssBytes.push(total.rss)
    s.readBytes.push(total.read)
    s.writeBytes.push(total.write)
    s.procs.push(total.procs)
    if (s.t.length >= MAX_SAMPLES) this.halve()
  }

  private halve (): void {
    const s = this.series
    for (const key of ['t', 'cpu', 'rssBytes', 'readBytes', 'writeBytes', 'procs'] as const) s[key] = s[key].filter((_v, i) => i % 2 === 1)
    s.intervalMs *= 2
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = setInterval(() => this.sample(), s.intervalMs)
    this.timer.unref()
  }

  /** Stop sampling, with a last sample the first time; the series (null only where /proc cannot be listed). */
  stop (): Telemetry | null {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    if (!this.stopped) this.sample()
    this.stopped = true
    return this.series.t.length === 0 ? null : this.series
  }
}
