import { spawn } from 'node:child_process'
import { CairnError } from '../protocol/errors.js'
import type { CairnCode } from '../protocol/errors.js'

interface GitResult { code: number, stdout: string, stderr: string }

/**
 * The environment git runs in: no user or system config (a lab's ~/.gitconfig
 * must not change what a series applies to), a fixed identity for the
 * commits `git am` makes, no hooks, no pager, no prompts.
 */
export function gitEnv (home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_COMMITTER_NAME: 'cairn runner',
    GIT_COMMITTER_EMAIL: 'runner@cairn.invalid',
    GIT_AUTHOR_NAME: 'cairn runner',
    GIT_AUTHOR_EMAIL: 'runner@cairn.invalid'
  }
}

/** Run git asynchronously (a clone may take minutes; the runner must keep renewing leases meanwhile). */
export async function git (args: string[], opts: { cwd: string, env: Record<string, string>, input?: Buffer }): Promise<GitResult> {
  return await new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'core.hooksPath=/dev/null', ...args], { cwd: opts.cwd, env: opts.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout?.on('data', (c: Buffer) => out.push(c))
    child.stderr?.on('data', (c: Buffer) => err.push(c))
    child.once('error', (e) => reject(new CairnError('GIT', `cannot run git ${args[0] ?? ''}: ${e.message}; is git installed?`, { cause: e })))
    child.once('close', (code) => resolve({ code: code ?? 128, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }))
    if (opts.input !== undefined) child.stdin?.end(opts.input)
  })
}

/** git that must succeed: a failure is a CairnError naming the command and git's own words. */
export async function gitOk (args: string[], opts: { cwd: string, env: Record<string, string> }, code: CairnCode = 'GIT'): Promise<string> {
  const r = await git(args, opts)
  if (r.code !== 0) throw new CairnError(code, `git ${args.join(' ')} failed in ${opts.cwd}: ${(r.stderr || r.stdout).trim()}`)
  return r.stdout
}
