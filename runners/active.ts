/**
 * The process groups this runner has running, written to a file so that a
 * runner restarted after a crash (kill -9, power loss) can kill what its
 * previous life left behind: a step's group survives its runner, since it
 * is a session of its own.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { groupAlive, killGroup, STEP_MARKER, sweepMarked } from './exec.js'
import { processesWith } from './proc.js'

interface ActiveStep {
  job: string
  step: string
  /** The step's process group; 0 while it is being spawned. */
  pgid: number
  started: number
  /** The step's `CAIRN_STEP=...`: finds what left its group, or all of it before the group is known (absent in files of older runners). */
  marker?: string
}

/** The environment variable every step carries, so a leftover group can be recognised as ours. */
export const JOB_MARKER = 'CAIRN_JOB'

export class ActiveSteps {
  /** By marker: a step is recorded before its spawn and again with its group. */
  private readonly steps = new Map<string, ActiveStep & { marker: string }>()

  constructor (private readonly file: string) {}

  add (step: ActiveStep & { marker: string }): void {
    this.steps.set(step.marker, step)
    this.save()
  }

  remove (marker: string): void {
    if (this.steps.delete(marker)) this.save()
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
      const inGroup = s.pgid > 1 && groupAlive(s.pgid) && groupIsJob(s.pgid, s.job)
      const escaped = s.marker !== undefined && processesWith(s.marker).length > 0
      if (!inGroup && !escaped) continue
      if (inGroup) killGroup(s.pgid, 'SIGKILL')
      if (s.marker !== undefined) sweepMarked(s.marker)
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
  if (typeof s !== 'object' || s === null || typeof s.job !== 'string' || !Number.isSafeInteger(s.pgid)) return false
  const marked = typeof s.marker === 'string' && s.marker.startsWith(`${STEP_MARKER}=`) && s.marker.length > STEP_MARKER.length + 1
  // A group id, or (before the spawn) a marker alone: never pgid 0 or 1 without one, which would name every process.
  return marked ? s.pgid === 0 || s.pgid > 1 : s.marker === undefined && s.pgid > 1
}

/**
 * Whether some process of group `pgid` carries our marker for `job`: the
 * group id could in principle have been reused by an unrelated process
 * since the crash, and that one must not be killed. Linux /proc only;
 * elsewhere nothing is killed.
 */
function groupIsJob (pgid: number, job: string): boolean {
  return processesWith(`${JOB_MARKER}=${job}`).some((p) => p.pgid === pgid)
}
