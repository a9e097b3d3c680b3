import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, realpathSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { CairnError } from '../../../protocol/errors.js'
import type { MailSource } from './sources.js'

/**
 * A public-inbox v2 inbox: epochs `git/N.git`, one commit per message whose
 * tree holds the message as blob `m` (a deletion commits `d` instead). Read
 * with real git: `rev-list --reverse` for the commits after the last one
 * read, `cat-file --batch` for the blobs. Each mail carries its epoch's
 * cursor, which the ingest saves with the mail, so a run after a crash or a
 * cron run reads only what is new.
 */
export async function * publicInboxSource (dir: string, cursors: ReadonlyMap<string, string>): MailSource {
  const epochs = epochsOf(dir)
  const root = realpathSync(dir)
  for (const { n, path } of epochs) {
    const key = `public-inbox:${root}:${n}`
    const tip = git(path, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']).trim()
    if (tip === '') continue // an epoch with no commit yet
    const last = cursors.get(key)
    // a rewritten epoch (public-inbox-purge) may have lost our cursor: read it all again, duplicates are no-ops
    const from = last !== undefined && isAncestor(path, last, tip) ? last : undefined
    if (from === tip) continue
    const commits = git(path, ['rev-list', '--reverse', from === undefined ? tip : `${from}..${tip}`]).split('\n').filter((c) => c !== '')
    for await (const { commit, blob } of blobs(path, commits)) {
      if (blob === null) continue // a deletion: no message
      yield { raw: blob, origin: `${dir} epoch ${n} commit ${commit.slice(0, 12)}`, cursor: [key, commit] }
    }
  }
}

function epochsOf (dir: string): Array<{ n: number, path: string }> {
  const gitDir = join(dir, 'git')
  let names: string[]
  try {
    names = readdirSync(gitDir)
  } catch {
    throw new CairnError('NOT_FOUND', `${dir} is not a public-inbox v2 inbox (no git/ folder with N.git epochs)`)
  }
  const epochs = names.map((name) => /^(\d+)\.git$/.exec(name)).filter((m) => m !== null)
    .map((m) => ({ n: Number(m[1]), path: join(gitDir, m[0]) }))
    .filter((e) => statSync(e.path).isDirectory())
    .sort((a, b) => a.n - b.n)
  if (epochs.length === 0) throw new CairnError('NOT_FOUND', `${gitDir} holds no N.git epoch`)
  return epochs
}

const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' }

function git (gitDir: string, args: string[]): string {
  const r = spawnSync('git', ['--git-dir', gitDir, ...args], { env: ENV, maxBuffer: 1 << 30, encoding: 'utf8' })
  if (r.error !== undefined) throw new CairnError('GIT', `cannot run git for ${gitDir}: ${r.error.message}; is git installed?`)
  if (r.status !== 0 && args[0] !== 'rev-parse') throw new CairnError('GIT', `git ${args.join(' ')} failed in ${gitDir}: ${r.stderr.trim()}`)
  return r.stdout
}

function isAncestor (gitDir: string, commit: string, tip: string): boolean {
  return spawnSync('git', ['--git-dir', gitDir, 'merge-base', '--is-ancestor', commit, tip], { env: ENV }).status === 0
}

/** `git cat-file --batch` over `<commit>:m` for each commit, streamed: one pass, no process per mail. */
async function * blobs (gitDir: string, commits: string[]): AsyncGenerator<{ commit: string, blob: Buffer | null }> {
  if (commits.length === 0) return
  const child = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { env: ENV, stdio: ['pipe', 'pipe', 'pipe'] })
  const errors: Buffer[] = []
  child.stderr.on('data', (c: Buffer) => errors.push(c))
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', (e) => reject(new CairnError('GIT', `cannot run git cat-file for ${gitDir}: ${e.message}`)))
    child.once('close', (code) => resolve(code ?? 128))
  })
  child.stdin.end(commits.map((c) => `${c}:m\n`).join(''))
  let buf: Buffer = Buffer.alloc(0)
  let i = 0
  try {
    for await (const chunk of child.stdout) {
      buf = buf.length === 0 ? chunk as Buffer : Buffer.concat([buf, chunk as Buffer])
      for (;;) {
        const nl = buf.indexOf(10)
        if (nl < 0) break
        const header = buf.toString('latin1', 0, nl)
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          yield { commit: commits[i++] as string, blob: null }
          buf = buf.subarray(nl + 1)
          continue
        }
        const size = Number(header.split(' ')[2])
        if (!Number.isSafeInteger(size)) throw new CairnError('GIT', `git cat-file in ${gitDir}: unexpected answer "${header}"`)
        if (buf.length < nl + 1 + size + 1) break
        yield { commit: commits[i++] as string, blob: Buffer.from(buf.subarray(nl + 1, nl + 1 + size)) }
        buf = buf.subarray(nl + 1 + size + 1)
      }
    }
  } finally {
    if (child.exitCode === null) child.kill()
  }
  const code = await exited
  if (i < commits.length) throw new CairnError('GIT', `git cat-file in ${gitDir} stopped after ${i} of ${commits.length} messages (exit ${code}): ${Buffer.concat(errors).toString().trim()}`)
}
