// The CI end-to-end test's world: a git project with a TAP suite, the mails
// of a two-patch series (v1 passes, v2 breaks a test) as format-patch writes
// them, and an SMTP server in the test process that keeps what it receives.
import type { TestInstance } from 'brittle'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import { cairn } from '../helpers/cli.js'
import { gitEnv } from '../helpers/git.js'

const GIT_ENV = gitEnv()
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' })

const SUITE = `echo "1..3"
echo "ok 1 - adds"
if [ "$(cat value)" = 41 ]; then echo "ok 2 - answer"; else echo "not ok 2 - answer"; echo "# value is $(cat value), expected 41"; fi
echo "ok 3 - subtracts"
`
const RECIPE = `test:
  run: sh t.sh
  parser: tap
  timeout: 1m
`

/** A mail as a file, and the Message-ID it carries. */
export interface Mail { file: string, messageId: string }

interface Project {
  repo: string
  /** Cover letter first, then the patches. */
  v1: Mail[]
  v2: Mail[]
}

/** A suite whose tests all pass and whose throughput drops by a fifth when v2 changes `value`: a regression only a metric gate sees. */
export const METRIC_SUITE = {
  suite: `echo "1..2"
echo "ok 1 - adds"
if [ "$(cat value)" = 41 ]; then echo "ok 2 - throughput 1000 ops/s"; else echo "ok 2 - throughput 800 ops/s"; fi
`,
  recipe: RECIPE.replace('parser: tap', 'parser: metrics')
}

/** The project in dir/repo (main passes all three tests, or runs `suite`) and the mails of both versions of "notes: keep notes". */
export function makeProject (dir: string, suite = { suite: SUITE, recipe: RECIPE }): Project {
  const repo = join(dir, 'repo')
  mkdirSync(join(repo, '.cairn'), { recursive: true })
  git(repo, 'init', '-q', '-b', 'main')
  writeFileSync(join(repo, 't.sh'), suite.suite)
  writeFileSync(join(repo, '.cairn', 'recipe.yaml'), suite.recipe)
  writeFileSync(join(repo, 'value'), '41\n')
  git(repo, 'add', '.')
  git(repo, 'commit', '-q', '-m', 'initial')
  const version = (v: number, breakIt: boolean): Mail[] => {
    git(repo, 'checkout', '-q', '-B', `notes-v${v}`, 'main')
    writeFileSync(join(repo, 'notes'), 'first\n')
    git(repo, 'add', 'notes')
    git(repo, 'commit', '-q', '-m', 'notes: add a notes file')
    writeFileSync(join(repo, 'notes'), 'first\nsecond\n')
    if (breakIt) writeFileSync(join(repo, 'value'), '40\n')
    git(repo, 'commit', '-q', '-am', 'notes: a second note')
    const out = join(dir, `mails-v${v}`)
    git(repo, 'format-patch', '-q', '--cover-letter', '--thread', `-v${v}`, '-o', out, '--to', 'notes@example.org',
      '--add-header', 'List-Id: Notes <notes.example.org>', 'main')
    git(repo, 'checkout', '-q', 'main')
    return readdirSync(out).sort().map((name) => {
      const file = join(out, name)
      // format-patch names mails by commit and second: v1 and v2 made in one second would share Message-IDs
      const text = readFileSync(file, 'utf8').replace('*** SUBJECT HERE ***', 'notes: keep notes').replace('*** BLURB HERE ***', 'Notes, kept.')
        .replace(/\.git\.dev@example\.org>/g, `.v${v}.git.dev@example.org>`)
      writeFileSync(file, text)
      return { file, messageId: /^Message-ID: <([^>]+)>/im.exec(text)?.[1] ?? '' }
    })
  }
  return { repo, v1: version(1, false), v2: version(2, true) }
}

let deliveries = 0

/** Deliver a mail into a Maildir as an MDA does: written under tmp/, renamed into new/. */
export function deliver (maildir: string, mail: Mail): void {
  const name = `${Date.now()}.${process.pid}_${++deliveries}.test`
  writeFileSync(join(maildir, 'tmp', name), readFileSync(mail.file))
  renameSync(join(maildir, 'tmp', name), join(maildir, 'new', name))
}

export function makeMaildir (dir: string): string {
  for (const sub of ['tmp', 'new', 'cur']) mkdirSync(join(dir, sub), { recursive: true })
  return dir
}

/** An SMTP server on 127.0.0.1 (a free port) keeping every message; `received(n)` resolves once n have come. */
export async function smtpSink (t: TestInstance): Promise<{ port: number, mails: string[], received: (n: number) => Promise<string[]> }> {
  const mails: string[] = []
  const waiters = new Set<() => void>()
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData (stream, _session, done) {
      const parts: Buffer[] = []
      stream.on('data', (b: Buffer) => parts.push(b))
      stream.on('end', () => {
        mails.push(Buffer.concat(parts).toString('utf8'))
        for (const w of waiters) w()
        done()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => { await new Promise<void>((resolve) => server.close(() => resolve())) })
  const received = async (n: number): Promise<string[]> => {
    while (mails.length < n) {
      await new Promise<void>((resolve) => {
        const w = (): void => { waiters.delete(w); resolve() }
        waiters.add(w)
      })
    }
    return mails
  }
  return { port: (server.server.address() as AddressInfo).port, mails, received }
}

/** A header's value in a raw mail. */
export function headerOf (mail: string, name: string): string {
  return new RegExp(`^${name}: (.*)$`, 'im').exec(mail)?.[1]?.trim() ?? ''
}

/** A cairn command's stdout; it must succeed. */
export function ok (r: { status: number, stdout: string, stderr: string }): string {
  if (r.status !== 0) throw new Error(`cairn failed (${r.status}): ${r.stderr}`)
  return r.stdout
}

/** The CI's home and a lab's in dir (ci/, lab/), each trusting the other: the lab as a runner, the CI as a maintainer whose jobs it takes. */
export function ciAndLab (dir: string): { ciHome: string, labHome: string } {
  const identityOf = (out: string): string => /^identity ([0-9a-f]{64})$/m.exec(out)?.[1] ?? ''
  const ciHome = join(dir, 'ci')
  const labHome = join(dir, 'lab')
  const ci = identityOf(ok(cairn(ciHome, 'init', '--name', 'ci')))
  const lab = identityOf(ok(cairn(labHome, 'init', '--name', 'lab')))
  ok(cairn(ciHome, 'trust', 'add', lab, '--role', 'runner'))
  ok(cairn(labHome, 'trust', 'add', ci, '--role', 'maintainer'))
  return { ciHome, labHome }
}
