/**
 * Launch gates: what must hold on this machine before a runner takes a job
 * (Megatest's "/tmp>5G" and launch-limiter script). Free disk on named
 * paths, the one-minute load average, available memory and an optional
 * script (exit 0: open; otherwise its first output line says why). The
 * first gate that is closed is reported, named, with the figures.
 */
import { execFile } from 'node:child_process'
import { accessSync, constants, readFileSync, statfsSync } from 'node:fs'
import { freemem, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { CairnError } from '../protocol/errors.js'

export interface Gates {
  disk: Array<{ path: string, bytes: number }>
  /** Highest one-minute load average at which a job may start. */
  load: number | null
  /** Least available memory, in bytes. */
  mem: number | null
  script: string | null
}

/** A closed gate: which one (disk:PATH, load, mem, script) and why. */
interface GateClosed { gate: string, why: string }

/** What the gates read of the machine; tests give their own. */
export interface GateProbe {
  freeBytes: (path: string) => number
  load1: () => number
  availableBytes: () => number
  runScript: (path: string) => Promise<{ ok: boolean, output: string }>
}

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }
/** A gate script that hangs must not hold the runner up for ever. */
const SCRIPT_TIMEOUT_MS = 30_000

/** `5G`, `512M`, `1.5T`, `1000` (bytes); K/M/G/T are powers of 1024, a trailing B or iB is allowed. */
function parseSize (text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim())
  if (m === null) throw new CairnError('BAD_GATE', `${what}: "${text}" is not a size like 5G, 512M or 1000`)
  return Math.round(Number(m[1]) * (UNITS[(m[2] ?? '').toUpperCase()] ?? 1))
}

function formatSize (bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K'] as const) {
    const n = UNITS[unit] as number
    if (bytes >= n) return `${(bytes / n).toFixed(1)} ${unit}iB`
  }
  return `${bytes} B`
}

/** The runner's gate options, checked: every path exists, sizes and load parse, the script is executable. */
export function parseGates (opts: { disk?: readonly string[], load?: string, mem?: string, script?: string }): Gates {
  const disk = (opts.disk ?? []).map((spec) => {
    const at = spec.lastIndexOf(':')
    if (at <= 0) throw new CairnError('BAD_GATE', `--gate-disk "${spec}" must be PATH:SIZE, like /tmp:5G`)
    const path = resolve(spec.slice(0, at))
    try {
      statfsSync(path)
    } catch (err) {
      throw new CairnError('BAD_GATE', `--gate-disk ${spec}: cannot read the free space of ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
    }
    return { path, bytes: parseSize(spec.slice(at + 1), `--gate-disk ${spec}`) }
  })
  let load: number | null = null
  if (opts.load !== undefined) {
    load = Number(opts.load)
    if (opts.load.trim() === '' || !Number.isFinite(load) || load <= 0) throw new CairnError('BAD_GATE', `--gate-load "${opts.load}" must be a positive number (the highest one-minute load average)`)
  }
  const mem = opts.mem === undefined ? null : parseSize(opts.mem, '--gate-mem')
  let script: string | null = null
  if (opts.script !== undefined) {
    script = resolve(opts.script)
    try {
      accessSync(script, constants.X_OK)
    } catch {
      throw new CairnError('BAD_GATE', `--gate-script ${script} is not an executable file`)
    }
  }
  return { disk, load, mem, script }
}

/** MemAvailable from /proc/meminfo (what can be had without swapping); os.freemem where there is none. */
function availableBytes (): number {
  try {
    const m = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))
    if (m !== null) return Number(m[1]) * 1024
  } catch {}
  return freemem()
}

const machineProbe: GateProbe = {
  freeBytes: (path) => {
    const s = statfsSync(path)
    return s.bavail * s.bsize
  },
  load1: () => loadavg()[0] ?? 0,
  availableBytes,
  runScript: async (path) => await new Promise((resolve) => {
    execFile(path, [], { timeout: SCRIPT_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ ok: err === null, output: `${stdout}${stderr}`.trim() || (err === null ? '' : err.message) })
    })
  })
}

/** The first closed gate, or null when all hold. */
export async function closedGate (gates: Gates, probe: GateProbe = machineProbe): Promise<GateClosed | null> {
  for (const d of gates.disk) {
    let free: number
    try {
      free = probe.freeBytes(d.path)
    } catch (err) {
      return { gate: `disk:${d.path}`, why: `cannot read the free space of ${d.path}: ${(err as Error).message}` }
    }
    if (free < d.bytes) return { gate: `disk:${d.path}`, why: `${d.path} has ${formatSize(free)} free, needs ${formatSize(d.bytes)}` }
  }
  if (gates.load !== null) {
    const load = probe.load1()
    if (load > gates.load) return { gate: 'load', why: `load average ${load.toFixed(2)} is above ${gates.load}` }
  }
  if (gates.mem !== null) {
    const avail = probe.availableBytes()
    if (avail < gates.mem) return { gate: 'mem', why: `${formatSize(avail)} of memory available, needs ${formatSize(gates.mem)}` }
  }
  if (gates.script !== null) {
    const r = await probe.runScript(gates.script)
    if (!r.ok) return { gate: 'script', why: `${gates.script} says no${r.output === '' ? '' : `: ${r.output.split('\n')[0] ?? ''}`}` }
  }
  return null
}
