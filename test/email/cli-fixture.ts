// CLI helpers for the email tests: cairn with stdin, and a real git repository
// whose series are mailed with `git format-patch -vN --cover-letter`.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CliResult } from '../helpers/cli.js'
import { repoRoot } from '../helpers/paths.js'

function cliArgv (): string[] {
  return import.meta.url.endsWith('.ts')
    ? ['--import', 'tsx', join(repoRoot, 'node', 'cli', 'main.ts')]
    : [join(repoRoot, 'dist', 'node', 'cli', 'main.js')]
}

/** `cairn --home HOME ARGS` with `input` on stdin. */
export function cairnIn (home: string, input: string | Buffer, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [...cliArgv(), '--home', home, ...args], { input, encoding: 'utf8', env: { ...process.env, CAIRN_HOME: '' } })
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/** git with no user or system config and a fixed identity and clock, so commits and mails are the same every run. */
export function gitEnv (date = '1736157600 +0000'): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Dev One',
    GIT_AUTHOR_EMAIL: 'dev@example.org',
    GIT_COMMITTER_NAME: 'Dev One',
    GIT_COMMITTER_EMAIL: 'dev@example.org',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    LC_ALL: 'C'
  }
}

export function git (cwd: string, args: string[], env: NodeJS.ProcessEnv = gitEnv()): string {
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} in ${cwd}: ${r.stderr}`)
  return r.stdout.trim()
}

/**
 * `git format-patch -vN --cover-letter --thread=shallow` of base..HEAD, the
 * cover's placeholders filled in, as one mbox; returns it with the
 * Message-IDs (cover first).
 */
export function formatPatch (repo: string, out: string, version: number, base: string, title: string, date: string): { mbox: string, ids: string[] } {
  git(repo, ['format-patch', '-q', `-v${version}`, '--cover-letter', '--thread=shallow', '-o', out, `${base}..HEAD`], gitEnv(date))
  const files = readdirSync(out).filter((f) => f.startsWith(`v${version}-`)).sort()
  // git builds Message-IDs from the wall-clock second (<cover.SECONDS.git.EMAIL>): two
  // format-patch runs in one second would give v2 and v3 the same ids. Real sends never
  // are, so tag every id with its version (Message-ID, In-Reply-To and References alike).
  const mails = files.map((f) => readFileSync(join(out, f), 'utf8')
    .replace(/<([^<>\s]+)\.git\.([^<>\s]+)>/g, `<$1.v${version}.git.$2>`)
    .replace('*** SUBJECT HERE ***', title)
    .replace('*** BLURB HERE ***', `Version ${version} of the demo series.`))
  for (const [i, f] of files.entries()) writeFileSync(join(out, f), mails[i] as string)
  const ids = mails.map((m) => /^Message-I[dD]: <([^>]+)>/m.exec(m)?.[1] ?? '')
  return { mbox: mails.join('\n'), ids }
}
