// CLI helpers for the email tests: cairn with stdin, and a real git repository
// whose series are mailed with `git format-patch -vN --cover-letter`.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cairnIn } from '../helpers/cli.js'
import { gitEnv as baseGitEnv } from '../helpers/git.js'

export { cairnIn }

/** git with a fixed identity (Dev One) and clock: see test/helpers/git.ts. */
export function gitEnv (date = '1736157600 +0000'): NodeJS.ProcessEnv {
  return baseGitEnv({ date })
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
