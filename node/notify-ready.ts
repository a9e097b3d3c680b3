import { spawn } from 'node:child_process'

/**
 * Tell systemd a `Type=notify` service is ready (READY=1), once it listens:
 * units that order after it then start against a daemon that answers. Only
 * under systemd ($NOTIFY_SOCKET set); elsewhere nothing happens. Node cannot
 * send on a unix datagram socket, so this runs `systemd-notify`, which waits
 * until systemd has taken the message (the unit needs `NotifyAccess=all`,
 * the sender being a child). A failure is only a warning: the service still
 * works, and systemd reports the start as timed out.
 */
export async function notifyReady (status: string, warn: (msg: string) => void): Promise<void> {
  if (process.env.NOTIFY_SOCKET === undefined || process.env.NOTIFY_SOCKET === '') return
  await new Promise<void>((resolve) => {
    let settled = false
    const done = (problem: string | null): void => {
      if (settled) return
      settled = true
      if (problem !== null) warn(`could not tell systemd this service is ready: ${problem}`)
      resolve()
    }
    const child = spawn('systemd-notify', ['--ready', `--status=${status}`], { stdio: 'ignore' })
    child.once('error', (err) => done(err.message))
    child.once('exit', (code, signal) => done(code === 0 ? null : `systemd-notify --ready ended with ${signal ?? `status ${String(code)}`}`))
  })
}
