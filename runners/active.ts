/**
 * The process groups this runner has running, written to a file so that a
 * runner restarted after a crash (kill -9, power loss) can kill what its
 * previous life left behind: a step's group survives its runner, since it
 * is a session of its own.
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { groupAlive, killGroup } from './exec.js'

export interface ActiveStep { job: string, step: string, pgid: number, started: number }

/** The environment variable every step carries, so a leftover group can be recognised as ours. */
export const JOB_MARKER = 'CAIRN_JOB'

export class ActiveSteps {
  private readonly steps = new Map<number, ActiveStep>()

  constructor (private readonly file: string) {}

  add (step: ActiveStep): void {
    this.steps.set(step.pgid, step)
    this.save()
  }

  remove (pgid: number): void {
    if (this.steps.delete(pgid)) this.save()
  }

  /** Read what a previous run left in the file. */
  previous (): ActiveStep[] {
    try {
      const list = JSON.parse(readFileSync(this.file, 'utf8')) as unknown
      return Array.isArray(list) ? list.filter(isActiveStep) : []
    } catch {
      return []
    }
  }

  /** Kill the groups a previous run left that are still alive and still ours; returns them. */
  killLeftovers (): ActiveStep[] {
    const killed: ActiveStep[] = []
    for (const s of this.previous()) {
      if (!groupAlive(s.pgid) || !groupIsJob(s.pgid, s.job)) continue
      killGroup(s.pgid, 'SIGKILL')
      killed.push(s)
    }
    this.save()
    return killed
  }

  private save (): void {
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify([...this.steps.values()]))
    renameSync(tmp, this.file)
  }
}

function isActiveStep (x: unknown): x is ActiveStep {
  const s = x as ActiveStep
  return typeof s === 'object' && s !== null && typeof s.job === 'string' && Number.isSafeInteger(s.pgid) && s.pgid > 1
}

/**
 * Whether some process of group `pgid` carries our marker for `job`: the
 * group id could in principle have been reused by an unrelated process
 * since the crash, and that one must not be killed. Linux /proc only;
 * elsewhere nothing is killed.
 */
function groupIsJob (pgid: number, job: string): boolean {
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p))
  } catch {
    return false
  }
  const marker = `${JOB_MARKER}=${job}`
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parens, so read after the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[2]) !== pgid) continue
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker)) return true
    } catch {
      // the process went away meanwhile, or is not ours to read
    }
  }
  return false
}
