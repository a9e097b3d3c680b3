import { existsSync, mkdirSync, readdirSync, renameSync, statSync, watch } from 'node:fs'
import type { FSWatcher } from 'node:fs'
import { join } from 'node:path'
import { CairnError } from '../../protocol/errors.js'
import { Passes } from './passes.js'

/** A mail source the daemon watches (`cairn start --watch KIND:DIR`). */
export interface WatchSource { kind: 'maildir' | 'public-inbox', dir: string }

/** The email bridge's ingest, as the CLI composes it (node/ may not import bridges/); each resolves to summary lines. */
export interface WatchActions {
  /** Take in these mail files, one batch. */
  ingestFiles: (paths: string[]) => Promise<string[]>
  /** Take in what a public-inbox holds beyond the bridge's cursors. */
  ingestPublicInbox: (dir: string) => Promise<string[]>
}

interface WatchOptions {
  actions: WatchActions
  out: (line: string) => void
  warn: (line: string) => void
  /** The rescan that catches what a file watch missed (an NFS mount, an overflowed queue). */
  pollMs?: number
}

/** `maildir:DIR` or `public-inbox:DIR`; USAGE naming the flag otherwise. */
export function parseWatchSource (spec: string): WatchSource {
  const m = /^(maildir|public-inbox):(.+)$/.exec(spec)
  if (m === null) throw new CairnError('USAGE', `--watch "${spec}": expected maildir:DIR or public-inbox:DIR`)
  const kind = m[1] as WatchSource['kind']
  const dir = m[2] as string
  if (kind === 'maildir' && !isDir(join(dir, 'new'))) throw new CairnError('NOT_FOUND', `--watch ${spec}: ${dir} is not a Maildir (no new/ folder)`)
  if (kind === 'public-inbox' && !isDir(join(dir, 'git'))) throw new CairnError('NOT_FOUND', `--watch ${spec}: ${dir} is not a public-inbox (no git/ folder of epochs)`)
  return { kind, dir }
}

/**
 * Take in mail as it arrives. A Maildir is read as a mail user agent reads
 * it: every file in new/ is ingested, then moved to cur/ (`:2,` appended),
 * so a mail is taken once; a crash between the two ingests it again, which
 * the bridge sees as a duplicate. A public-inbox is read from the cursors
 * the bridge keeps per epoch, so only commits since the last read are new.
 * A file watch starts a pass; a periodic rescan catches what it missed.
 */
export class SourceWatcher {
  private readonly passes: Passes
  private watcher: FSWatcher | null = null

  constructor (private readonly source: WatchSource, private readonly opts: WatchOptions) {
    this.passes = new Passes(async () => await this.pass(), { debounceMs: 20, pollMs: opts.pollMs ?? 2000, warn: (m) => opts.warn(`watch ${this.label}: ${m}`) })
  }

  get label (): string {
    return `${this.source.kind}:${this.source.dir}`
  }

  start (): void {
    const { kind, dir } = this.source
    try {
      this.watcher = kind === 'maildir' ? watch(join(dir, 'new')) : watch(join(dir, 'git'), { recursive: true })
      this.watcher.on('change', () => this.passes.schedule())
      this.watcher.on('error', (err) => {
        this.opts.warn(`watch ${this.label}: ${err.message}; rescanning every ${this.opts.pollMs ?? 2000} ms instead`)
        this.watcher?.close()
      })
    } catch (err) {
      this.opts.warn(`watch ${this.label}: cannot watch (${(err as Error).message}); rescanning every ${this.opts.pollMs ?? 2000} ms instead`)
    }
    this.passes.start()
  }

  async stop (): Promise<void> {
    this.watcher?.close()
    await this.passes.stop()
  }

  private async pass (): Promise<void> {
    const { kind, dir } = this.source
    if (kind === 'public-inbox') {
      this.report(await this.opts.actions.ingestPublicInbox(dir))
      return
    }
    const fresh = join(dir, 'new')
    const names = readdirSync(fresh).filter((n) => !n.startsWith('.')).sort()
    if (names.length === 0) return
    this.report(await this.opts.actions.ingestFiles(names.map((n) => join(fresh, n))))
    const seen = join(dir, 'cur')
    mkdirSync(seen, { recursive: true })
    for (const name of names) {
      const to = join(seen, name.includes(':2,') ? name : `${name}:2,`)
      try {
        renameSync(join(fresh, name), to)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || existsSync(join(fresh, name))) throw err // another reader took it: fine
      }
    }
  }

  /** The summary of a run that took in something; a rescan that found nothing new says nothing. */
  private report (lines: string[]): void {
    for (const line of lines) this.opts.out(`watch    ${this.label}: ${line}`)
  }
}

function isDir (path: string): boolean {
  try { return statSync(path).isDirectory() } catch { return false }
}
