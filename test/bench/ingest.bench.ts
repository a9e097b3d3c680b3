// Ingest throughput on the git-history corpus (1653 mails, 515 series):
// cairn's whole pipeline (split, parse, blobs, bridge state, group, sign,
// append, index) into a fresh node, in-process and as one `cairn ingest mbox`
// process, beside `git mailsplit --mboxrd` + one `git mailinfo -u` per mail
// over the same mails, measured in the same run. git runs on every mail by
// default; pass a sample size to run mailinfo on that many and extrapolate.
// Run: node --import tsx test/bench/ingest.bench.ts [gitSample]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BridgeState } from '../../bridges/email/ingest/bridge-state.js'
import { ingest } from '../../bridges/email/ingest/ingest.js'
import { mboxSource } from '../../bridges/email/ingest/sources.js'
import { CairnNode } from '../../node/node.js'
import { corpus, hasShared, repoRoot } from '../helpers/paths.js'
import { gitPass } from './mailinfo.bench.js'

const ROUNDS = 5
const MBOX = corpus('git-history', 'git-history.mboxrd')

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6
const rate = (n: number, millis: number, what: string): string => `${Math.round(n / (millis / 1000)).toLocaleString('en')} ${what}/s`

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

/** One ingest into a fresh home; the node's own start-up (init) is not timed. */
async function cairnPass (): Promise<{ mails: number, events: number, totalMs: number }> {
  const home = mkdtempSync(join(tmpdir(), 'cairn-ingest-bench-'))
  const node = await CairnNode.init(home, 'bench')
  const state = new BridgeState(home)
  try {
    const t0 = process.hrtime.bigint()
    const s = await ingest(node, state, mboxSource(MBOX, { mboxrd: true }))
    const totalMs = ms(t0)
    const events = s.published['series.revision'] + s.published.review + s.published['mail.raw']
    if (node.views.count !== events) throw new Error(`indexed ${node.views.count} events, published ${events}`)
    return { mails: s.mails, events, totalMs }
  } finally {
    state.close()
    await node.close()
    rmSync(home, { recursive: true, force: true })
  }
}

/** `cairn ingest mbox` as a user runs it: a new process, compiled (dist/) when built, else under tsx. */
function cliPass (): number | null {
  const js = join(repoRoot, 'dist', 'node', 'cli', 'main.js')
  const argv = existsSync(js) ? [js] : ['--import', 'tsx', join(repoRoot, 'node', 'cli', 'main.ts')]
  const home = mkdtempSync(join(tmpdir(), 'cairn-ingest-bench-cli-'))
  try {
    if (spawnSync(process.execPath, [...argv, '--home', home, 'init', '--name', 'bench']).status !== 0) return null
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, [...argv, '--home', home, 'ingest', 'mbox', MBOX])
    return r.status === 0 ? ms(t0) : null
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}

export async function run (gitSample = 0): Promise<void> {
  if (!hasShared) {
    console.log('ingest bench: skipped, no ../shared/corpora')
    return
  }
  await cairnPass() // warm up the JIT
  const passes = []
  for (let i = 0; i < ROUNDS; i++) passes.push(await cairnPass())
  const { mails, events } = passes[0] ?? { mails: 0, events: 0 }
  const total = median(passes.map((p) => p.totalMs))
  console.log(`ingest bench: ${mails} mails of git-history.mboxrd -> ${events} events (515 series)`)
  console.log(`  cairn  ingest in-process  ${total.toFixed(0)} ms  ${rate(mails, total, 'mails')}  ${rate(events, total, 'events')}  (median of ${ROUNDS}: split, parse, blobs, state, group, sign, append, index)`)
  const cli = cliPass()
  if (cli !== null) console.log(`  cairn  ingest mbox (CLI)  ${cli.toFixed(0)} ms  ${rate(mails, cli, 'mails')}  (one process, start-up and node open included)`)

  const dir = mkdtempSync(join(tmpdir(), 'cairn-ingest-bench-git-'))
  try {
    const g = gitPass(dir, gitSample, false) // the reference from the mailinfo bench, timing only
    const gitTotal = g.splitMs + (g.infoMs / g.ran) * g.mails
    const how = g.ran === g.mails ? `mailinfo on all ${g.ran}` : `mailinfo on ${g.ran}, extrapolated to ${g.mails}`
    console.log(`  git    mailsplit ${g.splitMs.toFixed(0)} ms + mailinfo ${(g.infoMs / g.ran).toFixed(2)} ms/mail = ${gitTotal.toFixed(0)} ms  ${rate(g.mails, gitTotal, 'mails')}  (${how}; parse only: no grouping, no storage)`)
    console.log(`  cairn ingest is ${(gitTotal / total).toFixed(1)}x git mailsplit+mailinfo in-process${cli !== null ? `, ${(gitTotal / cli).toFixed(1)}x as a CLI process` : ''}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(Number(process.argv[2] ?? 0)).catch((err) => { console.error(err); process.exitCode = 1 })
}
