import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { createTransport } from 'nodemailer'
import { CairnError } from '../../../protocol/errors.js'
import type { VerdictMail } from './verdict.js'

/** Bare addresses out of `Name <a@b>` header values, for the SMTP envelope. */
function bare (addresses: readonly string[]): string[] {
  return addresses.map((a) => /<([^<>]+)>\s*$/.exec(a)?.[1] ?? a.trim())
}

/** asctime(3), as mbox `From ` lines carry it: `Tue Oct 25 13:38:41 2022`. */
function asctime (d: Date): string {
  const [day, mon, date, time, year] = [d.toUTCString().slice(0, 3), d.toUTCString().slice(8, 11), d.getUTCDate(), d.toISOString().slice(11, 19), d.getUTCFullYear()]
  return `${day} ${mon} ${String(date).padStart(2, ' ')} ${time} ${year}`
}

/** Append the mail to an mbox (mboxrd: body lines matching `>*From ` gain one `>`), creating the file if needed. */
export function appendToMbox (path: string, mail: VerdictMail, now = new Date()): void {
  const body = mail.text.replace(/^(>*From )/gm, '>$1')
  const sender = bare([mail.from])[0] ?? 'cairn@localhost'
  appendFileSync(path, `From ${sender} ${asctime(now)}\n${body.endsWith('\n') ? body : body + '\n'}\n`)
}

/**
 * Deliver the mail into a Maildir (an outbox a local MTA or a sync tool picks
 * up): written whole under tmp/, then renamed into new/, so a reader never
 * sees half a mail. Returns the file's path.
 */
export function writeToMaildir (dir: string, mail: VerdictMail, now = new Date()): string {
  for (const sub of ['tmp', 'new', 'cur']) mkdirSync(join(dir, sub), { recursive: true })
  const name = `${Math.floor(now.getTime() / 1000)}.P${process.pid}Q${mail.messageId.slice(0, 40).replace(/[^A-Za-z0-9-]/g, '_')}.${hostname().replace(/[/:]/g, '_')}`
  const tmp = join(dir, 'tmp', name)
  writeFileSync(tmp, mail.text)
  const path = join(dir, 'new', name)
  renameSync(tmp, path)
  return path
}

/**
 * Send through an SMTP server (`HOST:PORT`), exactly the bytes composed.
 * STARTTLS is used when the server offers it; CAIRN_SMTP_USER and
 * CAIRN_SMTP_PASS, when set, log in.
 */
export async function sendSmtp (hostPort: string, mail: VerdictMail): Promise<string> {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(hostPort)
  if (m === null) throw new CairnError('USAGE', `--smtp "${hostPort}": expected HOST:PORT`)
  const host = (m[1] as string).replace(/^\[|\]$/g, '')
  const port = Number(m[2])
  const user = process.env.CAIRN_SMTP_USER
  const transport = createTransport({
    host,
    port,
    secure: port === 465,
    ...(user !== undefined && user !== '' ? { auth: { user, pass: process.env.CAIRN_SMTP_PASS ?? '' } } : {})
  })
  try {
    const info = await transport.sendMail({ envelope: { from: bare([mail.from])[0] ?? '', to: bare([...mail.to, ...mail.cc]) }, raw: mail.text.replace(/\r?\n/g, '\r\n') })
    return String(info.response ?? '')
  } catch (err) {
    throw new CairnError('SMTP', `sending the verdict through ${hostPort} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  } finally {
    transport.close()
  }
}
