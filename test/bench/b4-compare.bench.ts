// cairn's series grouping beside b4 (issue 15): on linux-rtc-5000, a seeded
// sample of cover letters; for each, `b4 am -t -v N` (Debian b4 0.12; -t
// applies a cover letter's trailers to every patch, as current b4 and cairn
// do; -v N asks for the cover's own version, where b4 would otherwise take
// the newest revision it finds in the thread) over
// the same mails against cairn's grouping (buildSeries over every mail of the
// corpus): patches in the revision, version, and the trailers of each patch.
// b4 0.12 needs three things here, each found from its stderr: a HOME with
// a .gitconfig (user.name and user.email; attestation-policy off, or it checks
// DKIM), an -o folder that exists (else FileNotFoundError, exit 1), and
// headers unfolded (a folded Subject raises "Header values may not contain
// linefeed" in Python 3.11's email package, exit 1); unfolding is what
// RFC 5322 says a header means. --allow-unicode-control-chars: b4 refuses a
// thread holding one (a soft hyphen in a cover, exit 1), a safety check
// that is not about grouping. Cairn's side parses as the ingest does
// (keepGoing: a mail with a bogus charset, `charset=y`, keeps its diff).
// Another list (one not used for tuning): an mboxrd file as the second argument,
// e.g. the oldest mails of a public-inbox v2 epoch, as `ingest public-inbox` reads it.
// Also printed: what is left over (mail.raw) and why, by reason.
// A fresh sample: another seed as the third argument.
// Run: npm run bench -- b4-compare   (or node --import tsx test/bench/b4-compare.bench.ts [samples] [MBOXRD] [SEED])
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { mailinfo } from '../../bridges/email/parse/mailinfo.js'
import { splitMbox } from '../../bridges/email/parse/mbox.js'
import type { ParsedMail } from '../../bridges/email/parse/types.js'
import { buildSeries } from '../../bridges/email/series/series.js'
import type { Revision } from '../../bridges/email/series/series.js'
import { corpus, hasShared } from '../helpers/paths.js'

interface Posting { count: number, version: number, trailers: string[][] }

/** A trailer as both sides spell it: a trailing ` # comment` (b4 keeps it in the value, cairn apart) dropped, a bare `<address>` unbracketed. */
const norm = (key: string, value: string): string => `${key.toLowerCase()}: ${value.replace(/\s+#[^#]+$/, '').replace(/^<([^<>\s]+@[^<>\s]+)>$/, '$1').replace(/\s+/g, ' ').trim().toLowerCase()}`

function cairnPosting (rev: Revision): Posting {
  const present = rev.patches.filter((p) => !p.missing)
  return {
    count: present.length,
    version: rev.version,
    trailers: present.map((p) => p.missing ? [] : [...new Set([...p.own, ...p.collected].map((t) => norm(t.key, t.value)))].sort())
  }
}

/**
 * The trailers b4 wrote: the last paragraph of each commit message. The
 * version is b4's, from the file it names `vN_...` (its subjects keep what
 * the patches said: `[PATCH 1/2]` under a `v2 0/2` cover), else the subject.
 */
function b4Posting (mbx: Buffer, file: string): Posting {
  const mails = splitMbox(mbx, { mboxrd: false }).map((raw) => mailinfo(raw))
  const version = Number(/^v(\d+)_/.exec(file)?.[1] ?? /\bv(\d+)\b/i.exec(/\[([^\]]*)\]/.exec(mails[0]?.rawSubject ?? '')?.[1] ?? '')?.[1] ?? 1)
  const trailers = mails.map((m) => {
    const last = m.message.trimEnd().split(/\n\s*\n/).pop() ?? ''
    return [...new Set(last.split('\n').map((l) => /^([A-Za-z][\w-]*):\s*(.+)$/.exec(l)).filter((x) => x !== null).map((x) => norm(x[1] as string, x[2] as string)))].sort()
  })
  return { count: mails.length, version, trailers }
}

/** Every mail's header lines unfolded (RFC 5322: a fold is whitespace); bodies untouched. */
function unfoldHeaders (mbox: string): string {
  const out: string[] = []
  let inHeader = false
  for (const line of mbox.split('\n')) {
    if (line.startsWith('From ') && (out.length === 0 || out[out.length - 1] === '')) inHeader = true
    else if (line === '') inHeader = false
    else if (inHeader && /^[ \t]/.test(line) && out.length > 0) {
      out[out.length - 1] += ' ' + line.trim()
      continue
    }
    out.push(line)
  }
  return out.join('\n')
}

/** A seeded shuffle's first n. */
function sample<T> (xs: readonly T[], n: number, seed = 15): T[] {
  const a = [...xs]
  let s = seed
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0
    const j = s % (i + 1)
    ;[a[i], a[j]] = [a[j] as T, a[i] as T]
  }
  return a.slice(0, n)
}

/** A left-over mail's reason without the ids and subjects it names: what kind of leftover it is. */
const reasonKind = (reason: string): string => reason.replace(/<[^>]*>/g, '<>').replace(/"[^"]*"/g, '""').replace(/\bv\d+\b/g, 'vN').replace(/\d+/g, 'N').slice(0, 90)

export async function run (samples = 30, path?: string, seed = 15): Promise<void> {
  if (!hasShared) {
    console.log('b4-compare bench: skipped, no ../shared/corpora')
    return
  }
  if (spawnSync('b4', ['--version']).status !== 0) {
    console.log('b4-compare bench: skipped, no b4 (apt-get install b4)')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'cairn-b4-compare-'))
  try {
    const home = join(dir, 'home')
    mkdirSync(home)
    writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Bench\n\temail = bench@example.org\n[b4]\n\tattestation-policy = off\n')
    const list = path ?? corpus('linux-rtc', 'linux-rtc-5000.mboxrd')
    const raw = readFileSync(list)
    const mbox = join(dir, 'unfolded.mbox')
    writeFileSync(mbox, unfoldHeaders(raw.toString('latin1')), 'latin1')

    let t0 = Date.now()
    const mails = splitMbox(raw, { mboxrd: true }).flatMap((r): ParsedMail[] => { try { return [mailinfo(r, { keepGoing: true })] } catch { return [] } }) // as the ingest parses (mail-record.ts)
    const result = buildSeries(mails)
    const cairnMs = Date.now() - t0
    const byCover = new Map<string, Revision>()
    for (const s of result.series) for (const rev of s.revisions) if (rev.cover !== undefined && rev.cover.inheritedFrom === undefined && !rev.cover.naked) byCover.set(rev.cover.messageId, rev)
    const picked = sample([...byCover.keys()].sort(), samples, seed)

    const agree = { count: 0, version: 0, trailers: 0 }
    const differences: string[] = []
    t0 = Date.now()
    for (const [n, id] of picked.entries()) {
      const out = join(dir, `out${n}`)
      mkdirSync(out)
      const r = spawnSync('b4', ['-q', '-n', 'am', '-t', '--allow-unicode-control-chars', '-v', String(byCover.get(id)?.version ?? 1), '-m', mbox, '-o', out, id], { env: { ...process.env, HOME: home }, encoding: 'utf8' })
      const file = readdirSync(out).find((f) => f.endsWith('.mbx'))
      const rev = byCover.get(id) as Revision
      const ours = cairnPosting(rev)
      if (file === undefined && r.status === 0 && /No patches found|Unable to find revision/.test(r.stderr) && ours.count === 0) {
        for (const k of ['count', 'version', 'trailers'] as const) agree[k]++ // a cover whose patches went to other lists: nothing here, on both sides
        continue
      }
      // b4 exits 1 on a thread it calls incomplete (a cross-posted series' parts on other lists) yet writes what it found: compare that
      if (file === undefined) {
        differences.push(`<${id}>: b4 exit ${String(r.status)}: ${r.stderr.trim().split('\n').pop() ?? ''}`)
        continue
      }
      const theirs = b4Posting(readFileSync(join(out, file)), file)
      const same = { count: ours.count === theirs.count, version: ours.version === theirs.version, trailers: JSON.stringify(ours.trailers) === JSON.stringify(theirs.trailers) }
      for (const k of ['count', 'version', 'trailers'] as const) if (same[k]) agree[k]++
      if (!same.count || !same.version || !same.trailers) {
        const trailerDiff = ours.trailers.flatMap((ts, i) => {
          const b = new Set(theirs.trailers[i] ?? [])
          const a = new Set(ts)
          return [...ts.filter((x) => !b.has(x)).map((x) => `patch ${i + 1} cairn only: ${x}`), ...[...b].filter((x) => !a.has(x)).map((x) => `patch ${i + 1} b4 only: ${x}`)]
        })
        differences.push(`<${id}> v${rev.version} "${rev.subject}": cairn ${ours.count} patches v${ours.version}, b4 ${theirs.count} v${theirs.version}${trailerDiff.length > 0 ? '; ' + trailerDiff.slice(0, 4).join('; ') : ''}`)
      }
    }
    const b4Ms = Date.now() - t0
    const pct = (k: number): string => `${k}/${picked.length} (${(100 * k / picked.length).toFixed(0)}%)`
    console.log(`b4-compare bench: ${picked.length} of ${byCover.size} cover letters of ${basename(list)} (sample seed ${seed}), b4 ${spawnSync('b4', ['--version'], { encoding: 'utf8' }).stdout.trim()}`)
    console.log(`  agree on patch count ${pct(agree.count)}, version ${pct(agree.version)}, trailers of every patch ${pct(agree.trailers)}`)
    console.log(`  cairn parsed and grouped all ${mails.length} mails in ${cairnMs} ms; b4 am took ${(b4Ms / picked.length / 1000).toFixed(1)} s per series`)
    for (const d of differences) console.log(`  differs: ${d}`)
    const kinds = new Map<string, number>()
    for (const u of result.unmatched) kinds.set(reasonKind(u.reason), (kinds.get(reasonKind(u.reason)) ?? 0) + 1)
    console.log(`  left over (mail.raw): ${result.unmatched.length} of ${mails.length} mails`)
    for (const [k, n] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`    ${String(n).padStart(5)}  ${k}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(Number(process.argv[2] ?? 30), process.argv[3], Number(process.argv[4] ?? 15)).catch((err) => { console.error(err); process.exitCode = 1 })
}
