// One more mail into a big home (issue 14): the work `ingest mail` does
// beside a running daemon, which keeps the node and the bridge state open.
// The home holds COPIES copies of linux-rtc-5000 (Message-IDs and sender
// addresses suffixed per copy: a list of 20,000 mails with four times the
// senders); then single mails are ingested one at a time and timed: a new
// sender's one-patch series, a reply to a patch of a typical part, a
// patch from the sender whose part is the largest (since the sender ties,
// series/keys.ts, its own sitting and like-titled postings only), and a
// reply in the largest part (the most one mail regroups). Printed per kind: the
// grouping phase (regroup.ts), publishing, the whole run, and how many mails
// the part grouped again holds, and the run's CPU time (what a busy machine
// moves less than wall time; hypercore's fsync is not in it). Also: opening the bridge state (what the
// daemon no longer pays per run) and the old whole-archive grouping.
// Run: npm run bench -- ingest-one   (or node --import tsx test/bench/ingest-one.bench.ts [copies])
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BridgeState } from '../../bridges/email/ingest/bridge-state.js'
import { ingest } from '../../bridges/email/ingest/ingest.js'
import type { MailSource } from '../../bridges/email/ingest/sources.js'
import { splitMbox } from '../../bridges/email/parse/mbox.js'
import { buildSeries } from '../../bridges/email/series/series.js'
import type { ParsedMail } from '../../bridges/email/parse/types.js'
import { CairnNode } from '../../node/node.js'
import { cairn, cairnBackground, cairnIn } from '../helpers/cli.js'
import { corpus, hasShared } from '../helpers/paths.js'

const TRIALS = 5
const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

/** Copy `k` of a mail: its header's Message-IDs and From address made unique to the copy. */
function copyOf (raw: Buffer, k: number): Buffer {
  if (k === 0) return raw
  const text = raw.toString('latin1')
  const end = text.search(/\r?\n\r?\n/)
  const head = (end < 0 ? text : text.slice(0, end))
    .replace(/<([^<>@\s]+)@/g, `<$1.c${k}@`)
    .replace(/^(From:.*?)([\w.+-]+)@/im, `$1$2.c${k}@`)
  return Buffer.from(head + (end < 0 ? '' : text.slice(end)), 'latin1')
}

async function * source (mails: Buffer[], origin: string): MailSource {
  for (const [i, raw] of mails.entries()) yield { raw, origin: `${origin} #${i + 1}` }
}

const mail = (lines: string[], body: string): Buffer => Buffer.from(lines.join('\n') + '\n\n' + body)
const DIFF = (n: number): string => `---\n f${n}.c | 2 +-\n 1 file changed\n\ndiff --git a/f${n}.c b/f${n}.c\n--- a/f${n}.c\n+++ b/f${n}.c\n@@ -1 +1 @@\n-a\n+b\n`

interface Timing { groupMs: number, publishMs: number, totalMs: number, cpuMs: number, part: number }

/** Ingest one mail as the daemon would (node and state open), timing its phases. */
async function one (node: CairnNode, state: BridgeState, raw: Buffer): Promise<Timing> {
  const t0 = process.hrtime.bigint()
  const c0 = process.cpuUsage()
  let groupAt = 0
  let publishAt = 0
  const s = await ingest(node, state, source([raw], 'bench'), {
    onProgress: (p) => {
      if (p.phase === 'group') groupAt = ms(t0)
      if (p.phase === 'publish') publishAt = ms(t0)
    }
  })
  const totalMs = ms(t0)
  const cpu = process.cpuUsage(c0)
  if (s.new !== 1) throw new Error('the bench mail was not new')
  const last = state.since(state.size - 1)[0]?.part ?? null
  const part = last === null ? 0 : state.membersOf(last).length
  return { groupMs: publishAt - groupAt, publishMs: totalMs - publishAt, totalMs, cpuMs: (cpu.user + cpu.system) / 1000, part }
}

function line (what: string, ts: Timing[]): string {
  const m = (f: (t: Timing) => number): string => median(ts.map(f)).toFixed(1)
  return `  ${what.padEnd(34)} group ${m((t) => t.groupMs).padStart(7)} ms  publish ${m((t) => t.publishMs).padStart(7)} ms  run ${m((t) => t.totalMs).padStart(7)} ms  cpu ${m((t) => t.cpuMs).padStart(7)} ms  (part of ${m((t) => t.part)} mails; median of ${ts.length})`
}

export async function run (copies = 4): Promise<void> {
  if (!hasShared) {
    console.log('ingest-one bench: skipped, no ../shared/corpora')
    return
  }
  const rtc = splitMbox(readFileSync(corpus('linux-rtc', 'linux-rtc-5000.mboxrd')), { mboxrd: true })
  const mails = Array.from({ length: copies }, (_x, k) => rtc.map((raw) => copyOf(raw, k))).flat()
  const home = mkdtempSync(join(tmpdir(), 'cairn-ingest-one-bench-'))
  const node = await CairnNode.init(home, 'bench')
  let state = new BridgeState(home)
  let closed = false
  try {
    let t0 = process.hrtime.bigint()
    const fill = await ingest(node, state, source(mails, 'fill'))
    console.log(`ingest-one bench: a home of ${fill.mails} mails (${copies} copies of linux-rtc-5000): ${fill.series} series, ${fill.replies} replies, ${fill.raw} mail.raw; filled in ${(ms(t0) / 1000).toFixed(1)} s`)

    state.close()
    t0 = process.hrtime.bigint()
    state = new BridgeState(home)
    console.log(`  opening the bridge state           ${ms(t0).toFixed(0)} ms  (each run paid this before the daemon kept it open)`)
    const stored = state.since(0)
    const parsed = stored.map((m) => m.rec.mail).filter((m): m is ParsedMail => m !== undefined)
    t0 = process.hrtime.bigint()
    buildSeries(parsed)
    console.log(`  grouping the whole archive         ${ms(t0).toFixed(0)} ms  (what each run did before)`)

    // parts: the largest one's sender, and a patch in a part of typical size
    const sizes = new Map<number, number>()
    for (const { part } of stored) if (part !== null) sizes.set(part, (sizes.get(part) ?? 0) + 1)
    const [largest] = [...sizes].sort((a, b) => b[1] - a[1])[0] ?? [0, 0]
    const lead = state.membersOf(largest)[0]?.rec.mail as ParsedMail
    const typical = [...sizes].sort((a, b) => a[1] - b[1])[Math.floor(sizes.size * 0.9)]?.[0] ?? 0
    const patchIn = (root: number): ParsedMail => state.membersOf(root).map((m) => m.rec.mail)
      .find((m): m is ParsedMail => m !== undefined && /^\[PATCH/.test(m.rawSubject)) ?? lead
    const target = patchIn(typical)
    const biggest = patchIn(largest)
    const date = 'Mon, 1 Jan 2024 10:00:00 +0000'
    const kinds: Array<[string, (n: number) => Buffer]> = [
      ['a new sender\'s one-patch series', (n) => mail([`From: New Sender ${n} <new${n}@example.org>`, `Subject: [PATCH] rtc: bench change ${n}`, `Date: ${date}`, `Message-ID: <bench-new-${n}@example.org>`], `A change.\n\nSigned-off-by: New Sender <new${n}@example.org>\n${DIFF(n)}`)],
      [`a reply (part at the 90th percentile)`, (n) => mail(['From: Reviewer <reviewer@example.org>', `Subject: Re: ${target.rawSubject}`, `Date: ${date}`, `Message-ID: <bench-reply-${n}@example.org>`, `In-Reply-To: <${target.messageId}>`, `References: <${target.messageId}>`], `> quoted\n\nLooks good.\n\nReviewed-by: Reviewer <reviewer@example.org>\n`)],
      ['a patch from the largest part\'s sender', (n) => mail([`From: ${lead.author.name} <${lead.author.email}>`, `Subject: [PATCH] rtc: bench fix ${n}`, `Date: ${date}`, `Message-ID: <bench-big-${n}@example.org>`], `A fix.\n\nSigned-off-by: ${lead.author.name} <${lead.author.email}>\n${DIFF(n)}`)],
      ['a reply in the largest part', (n) => mail(['From: Reviewer <reviewer@example.org>', `Subject: Re: ${biggest.rawSubject}`, `Date: ${date}`, `Message-ID: <bench-big-reply-${n}@example.org>`, `In-Reply-To: <${biggest.messageId}>`, `References: <${biggest.messageId}>`], `> quoted\n\nLooks good.\n\nReviewed-by: Reviewer <reviewer@example.org>\n`)]
    ]
    for (const [what, make] of kinds) {
      const ts: Timing[] = []
      for (let n = 0; n < TRIALS; n++) ts.push(await one(node, state, make(n)))
      console.log(line(what, ts))
    }
    state.close()
    await node.close()
    closed = true
    await besideDaemon(home)
  } finally {
    if (!closed) {
      state.close()
      await node.close()
    }
    rmSync(home, { recursive: true, force: true })
  }
}

/**
 * `cairn ingest mail < FILE` as an MDA runs it beside `cairn start`: the
 * whole command's wall time, beside `cairn --help` (process start) in the
 * same flavour (dist/ when the bench runs compiled, else tsx).
 */
async function besideDaemon (home: string): Promise<void> {
  const wall = (f: () => void): number => { const t0 = process.hrtime.bigint(); f(); return ms(t0) }
  const help = median(Array.from({ length: TRIALS }, () => wall(() => cairn(home, '--help'))))
  const runs = (who: string): number => median(Array.from({ length: TRIALS }, (_x, n) => wall(() => {
    const r = cairnIn(home, mail([`From: MDA ${n} <mda${n}@example.org>`, `Subject: [PATCH] rtc: mda ${who} ${n}`, 'Date: Mon, 1 Jan 2024 10:00:00 +0000', `Message-ID: <bench-mda-${who}-${n}@example.org>`], `A change.\n${DIFF(n)}`), 'ingest', 'mail')
    if (r.status !== 0) throw new Error(`cairn ingest mail: ${r.stderr}`)
  })))
  console.log(`  cairn ingest mail, no daemon         ${runs('alone').toFixed(0)} ms  (the whole command: opens the node and the bridge state; cairn --help takes ${help.toFixed(0)} ms; median of ${TRIALS})`)
  const { child } = await cairnBackground(home, /^http\s+(\S+)/, 'start', '--http', '127.0.0.1:0')
  try {
    console.log(`  cairn ingest mail beside the daemon ${runs('daemon').toFixed(0)} ms  (the whole command; median of ${TRIALS})`)
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(Number(process.argv[2] ?? 4)).catch((err) => { console.error(err); process.exitCode = 1 })
}
