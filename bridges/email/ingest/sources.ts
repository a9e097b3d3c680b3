import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { CairnError } from '../../../protocol/errors.js'
import { MboxSplitter, readMbox } from '../parse/mbox.js'

/** One mail as a source hands it over: its bytes, where it came from, and how far the source got. */
interface RawMail {
  raw: Buffer
  /** For people: file and position, or inbox epoch and commit. */
  origin: string
  /** Source position after this mail, saved with it (public-inbox: epoch -> commit). */
  cursor?: [key: string, value: string]
}

export type MailSource = AsyncIterable<RawMail>

interface MboxSourceOptions {
  mboxrd: boolean
  stream?: AsyncIterable<Buffer | string>
  /** Where warnings go (junk skipped before the first `From ` line); stderr by default. */
  warn?: (message: string) => void
}

const toStderr = (message: string): void => { process.stderr.write(`warning: ${message}\n`) }

/**
 * An mbox file (or a stream, for `-`), mboxrd by default, split the way
 * `git mailsplit` splits, except that junk before the first `From ` line
 * (a byte order mark, a stray line) is skipped with a warning rather than
 * making the whole file one bare mail.
 */
export async function * mboxSource (path: string, opts: MboxSourceOptions): MailSource {
  let n = 0
  const name = path === '-' ? 'stdin' : path
  const warn = opts.warn ?? toStderr
  const onSkip = (what: string): void => warn(`${name}: ${what}`)
  if (path === '-') {
    const splitter = new MboxSplitter({ mboxrd: opts.mboxrd, source: name, onSkip })
    for await (const chunk of opts.stream ?? process.stdin) {
      for (const raw of splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) yield { raw, origin: `${name} #${++n}` }
    }
    for (const raw of splitter.end()) yield { raw, origin: `${name} #${++n}` }
    return
  }
  if (!isFile(path)) throw new CairnError('NOT_FOUND', `mbox ${path} does not exist or is not a file`)
  for await (const raw of readMbox(path, { mboxrd: opts.mboxrd, onSkip })) yield { raw, origin: `${name} #${++n}` }
}

/** One mail on a stream (an MDA's stdin): the whole input is the mail. */
export async function * singleMailSource (stream: AsyncIterable<Buffer | string> = process.stdin): MailSource {
  const parts: Buffer[] = []
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  yield { raw: Buffer.concat(parts), origin: 'stdin' }
}

/** A Maildir: every file of new/ and cur/, in name order (delivery time first, as Maildir names go). */
export async function * maildirSource (dir: string): MailSource {
  const subdirs = ['new', 'cur'].map((d) => join(dir, d)).filter(isDir)
  if (subdirs.length === 0) throw new CairnError('NOT_FOUND', `${dir} is not a Maildir (no new/ or cur/ folder)`)
  for (const sub of subdirs) {
    for (const name of readdirSync(sub).filter((f) => !f.startsWith('.')).sort()) {
      const path = join(sub, name)
      if (!isFile(path)) continue
      yield { raw: readFileSync(path), origin: path }
    }
  }
}

function isFile (path: string): boolean {
  try { return statSync(path).isFile() } catch { return false }
}

function isDir (path: string): boolean {
  try { return statSync(path).isDirectory() } catch { return false }
}
