// Mail parsing throughput: cairn's bridges/email (mbox split + mailinfo) against
// `git mailsplit --mboxrd` + one `git mailinfo -u` per mail, on the 1653 mails of
// git-history.mboxrd, in the same run. git runs on every mail by default; pass a
// sample size to run it on that many evenly spaced mails and extrapolate.
// Every mail git parses is also compared byte for byte with ours.
// Run: node --import tsx test/bench/mailinfo.bench.ts [gitSample]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { runMailinfo } from '../../bridges/email/parse/mailinfo.js'
import { readMbox } from '../../bridges/email/parse/mbox.js'
import { corpus, hasShared } from '../helpers/paths.js'

const ROUNDS = 5
const MBOX = corpus('git-history', 'git-history.mboxrd')

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6
const rate = (mails: number, millis: number): string => `${Math.round(mails / (millis / 1000)).toLocaleString('en')} mails/s`

/** One full pass: stream the file, split, parse every mail. */
async function cairnPass (): Promise<{ mails: number, splitMs: number, totalMs: number }> {
  let mails = 0
  let splitMs = 0
  const t0 = process.hrtime.bigint()
  let t = process.hrtime.bigint()
  for await (const mail of readMbox(MBOX, { mboxrd: true })) {
    splitMs += ms(t)
    runMailinfo(mail)
    mails++
    t = process.hrtime.bigint()
  }
  return { mails, splitMs, totalMs: ms(t0) }
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

/**
 * git: split into a temp dir, then one `git mailinfo -u` per file (all, or
 * `sample` of them) from a single shell loop, so we time git and fork/exec,
 * not Node's spawnSync. Outputs are compared with ours afterwards, untimed.
 */
export function gitPass (dir: string, sample: number, compare = true): { mails: number, ran: number, splitMs: number, infoMs: number, differ: string[] } {
  const t0 = process.hrtime.bigint()
  const split = spawnSync('git', ['mailsplit', '--mboxrd', `-o${dir}`, MBOX])
  const splitMs = ms(t0)
  if (split.status !== 0) throw new Error(`git mailsplit failed: ${String(split.stderr)}`)
  const files = readdirSync(dir).filter((f) => /^\d+$/.test(f)).sort()
  const step = sample > 0 && sample < files.length ? files.length / sample : 1
  const picked: string[] = []
  for (let i = 0; i < files.length; i += step) picked.push(files[Math.floor(i)] ?? '')

  const loop = 'for f in "$@"; do git mailinfo -u "out/$f.msg" "out/$f.patch" <"$f" >"out/$f.info" 2>/dev/null; done'
  const t1 = process.hrtime.bigint()
  spawnSync('sh', ['-c', `mkdir out && ${loop}`, 'sh', ...picked], { cwd: dir })
  const infoMs = ms(t1)

  const differ = !compare ? [] : picked.filter((f) => {
    const ours = runMailinfo(readFileSync(join(dir, f)))
    const ref = (k: string): Buffer => readFileSync(join(dir, 'out', `${f}.${k}`))
    return !ours.info.equals(ref('info')) || !ours.msg.equals(ref('msg')) || !ours.patch.equals(ref('patch'))
  })
  return { mails: files.length, ran: picked.length, splitMs, infoMs, differ }
}

/**
 * Hostile bodies: base64 and quoted-printable that decode without a newline.
 * Before the carried text stopped being rescanned these took 0.9 s at
 * 0.25 MB, 3.4 s at 0.5 MB and 56 s at 2.7 MB.
 */
function pathological (): void {
  for (const encoding of ['base64', 'quoted-printable']) {
    const figures: string[] = []
    for (const mb of [0.25, 0.5, 2.7]) {
      const text = 'x'.repeat(Math.round(mb * 1024 * 1024))
      const body = encoding === 'base64' ? Buffer.from(text).toString('base64').replace(/.{76}/g, '$&\n') : text.replace(/.{75}/g, '$&=\n')
      const mail = Buffer.from(`From: a <a@example.org>\nSubject: x\nContent-Transfer-Encoding: ${encoding}\n\n${body}\n`)
      const t0 = process.hrtime.bigint()
      runMailinfo(mail)
      figures.push(`${mb} MB ${ms(t0).toFixed(0)} ms`)
    }
    console.log(`  ${encoding} body without newlines: ${figures.join(', ')}`)
  }
  // An in-body From: folded over 100k lines took 55 s, a Subject of 200k [x] prefixes 2 s (quadratic).
  const shapes: Array<[string, (n: number) => string]> = [
    ['in-body header folded over N lines', (n) => `From: a <a@example.org>\nSubject: s\n\nFrom: c <c@example.org>\n${' y\n'.repeat(n)}\nmsg\n`],
    ['Subject of N [x] prefixes', (n) => `From: a <a@example.org>\nSubject: ${'[x] '.repeat(n)}x\n\nbody\n`]
  ]
  for (const [what, make] of shapes) {
    const figures = [50_000, 100_000, 200_000].map((n) => {
      const t0 = process.hrtime.bigint()
      runMailinfo(Buffer.from(make(n)))
      return `${n / 1000}k ${ms(t0).toFixed(0)} ms`
    })
    console.log(`  ${what}: ${figures.join(', ')}`)
  }
}

export async function run (gitSample = 0): Promise<void> {
  pathological()
  if (!hasShared) {
    console.log('mailinfo bench: skipped, no ../shared/corpora')
    return
  }
  await cairnPass() // warm up the JIT
  const passes = []
  for (let i = 0; i < ROUNDS; i++) passes.push(await cairnPass())
  const mails = passes[0]?.mails ?? 0
  const total = median(passes.map((p) => p.totalMs))
  const split = median(passes.map((p) => p.splitMs))
  console.log(`mailinfo bench: ${mails} mails of git-history.mboxrd (${(readFileSync(MBOX).length / 1e6).toFixed(1)} MB)`)
  console.log(`  cairn  split+parse  ${total.toFixed(0)} ms  ${rate(mails, total)}  (median of ${ROUNDS}; split alone ${split.toFixed(0)} ms)`)

  const dir = mkdtempSync(join(tmpdir(), 'cairn-mailinfo-bench-'))
  try {
    const g = gitPass(dir, gitSample)
    const perMail = g.infoMs / g.ran
    const gitTotal = g.splitMs + perMail * g.mails
    const how = g.ran === g.mails ? `mailinfo run on all ${g.ran}` : `mailinfo run on ${g.ran}, extrapolated to ${g.mails}`
    console.log(`  git    mailsplit ${g.splitMs.toFixed(0)} ms + mailinfo ${perMail.toFixed(2)} ms/mail = ${gitTotal.toFixed(0)} ms  ${rate(g.mails, gitTotal)}  (${how}, from one shell loop; a process per mail, as git am does)`)
    console.log(`  cairn is ${(gitTotal / total).toFixed(1)}x git; outputs byte-identical on ${g.ran - g.differ.length} of ${g.ran} mails${g.differ.length > 0 ? `; differ: ${g.differ.slice(0, 10).join(' ')}` : ''}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(Number(process.argv[2] ?? 0)).catch((err) => { console.error(err); process.exitCode = 1 })
}
