// Helpers for the ingest tests: run the real pipeline (bridges/email/ingest.ts)
// on a node in-process, write raw mails, and normalise a feed's events so two
// homes (different keys, blob cores, timestamps) can be compared.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { BridgeState } from '../../bridges/email/ingest/bridge-state.js'
import { ingest } from '../../bridges/email/ingest/ingest.js'
import type { IngestOptions, IngestSummary } from '../../bridges/email/ingest/ingest.js'
import { mboxSource } from '../../bridges/email/ingest/sources.js'
import type { MailSource } from '../../bridges/email/ingest/sources.js'
import type { CairnNode } from '../../node/node.js'
import { revisionOfEvent } from '../../node/views/series/index.js'

export async function ingestSource (node: CairnNode, source: MailSource, opts: IngestOptions = {}): Promise<IngestSummary> {
  const state = new BridgeState(node.paths.dir)
  try {
    return await ingest(node, state, source, opts)
  } finally {
    state.close()
  }
}

export async function ingestMbox (node: CairnNode, path: string, opts: IngestOptions = {}): Promise<IngestSummary> {
  return await ingestSource(node, mboxSource(path, { mboxrd: true }), opts)
}

/** A source of raw mails given as text. */
export async function * mailsOf (...texts: string[]): MailSource {
  let n = 0
  for (const text of texts) yield { raw: Buffer.from(text), origin: `test #${++n}` }
}

interface MailSpec {
  id: string
  subject: string
  from?: string
  date?: string
  irt?: string
  refs?: string[]
  body: string
}

/** A plain RFC 5322 mail. */
export function rawMail (m: MailSpec): string {
  const refs = m.refs ?? (m.irt !== undefined ? [m.irt] : [])
  return [
    `From: ${m.from ?? 'Dev One <dev@example.org>'}`,
    `Subject: ${m.subject}`,
    `Date: ${m.date ?? 'Mon, 6 Jan 2025 10:00:00 +0000'}`,
    `Message-ID: <${m.id}>`,
    ...(m.irt !== undefined ? [`In-Reply-To: <${m.irt}>`] : []),
    ...(refs.length > 0 ? [`References: ${refs.map((r) => `<${r}>`).join(' ')}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    m.body
  ].join('\n')
}

export const DIFF = (file: string, from: string, to: string): string =>
  `---\n ${file} | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\ndiff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -1 +1 @@\n-${from}\n+${to}\n`

/**
 * Events of one feed with what differs between two homes taken out: blob
 * refs become their content hash, revision EventIds the revision's (series,
 * version), `replaces` and refs dropped. Sorted, duplicates kept.
 * `inForce`: only what stands now, as the views read the feed: per revision
 * slot (series, version) its last event not retired by a `replaces`, per
 * reply its last review, per mail its last mail.raw; so two homes that
 * published the same things in other steps compare equal.
 */
export function normalizedEvents (node: CairnNode, opts: { inForce?: boolean } = {}): string[] {
  const slot = (id: string): string => {
    const r = revisionOfEvent(node.views, id)
    return r === null ? `unknown:${id}` : `${r.series} v${r.version}`
  }
  const norm = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(norm)
    if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>
      if (typeof o.hash === 'string' && typeof o.core === 'string' && typeof o.offset === 'number') return `blob:${o.hash}`
      const out: Record<string, unknown> = {}
      for (const k of Object.keys(o).sort()) if (k !== 'replaces') out[k] = norm(o[k])
      return out
    }
    return value
  }
  const events = node.views.query({ author: node.identityKey })
  const retired = new Set(events.flatMap((e) => e.type === 'series.revision' ? e.body.replaces ?? [] : []))
  const standing = new Map<string, string>() // what an event stands for -> its last normalised form (log order)
  const out: string[] = []
  for (const e of events) {
    if (e.type !== 'series.revision' && e.type !== 'review' && e.type !== 'mail.raw') continue
    const body = e.type === 'review' ? { ...e.body, target: { ...e.body.target, revision: slot(e.body.target.revision) } } : e.body
    const line = `${e.type} ${JSON.stringify(norm(body))}`
    if (opts.inForce !== true) out.push(line)
    else if (e.type === 'series.revision') { if (!retired.has(e.id)) standing.set(`rev ${e.body.series} v${e.body.version}`, line) }
    else standing.set(e.type === 'review' ? `review ${e.body.messageId ?? e.id}` : `raw ${e.body.mail.hash}`, line)
  }
  return [...out, ...standing.values()].sort()
}

/**
 * Append mails to epoch N of a public-inbox v2 inbox the way public-inbox
 * writes them: one commit per message whose tree holds only the blob `m`
 * (a `null` deletes: the tree then holds `d`). Made with git fast-import,
 * so thousands of mails take a fraction of a second.
 */
export function appendToInbox (inbox: string, epoch: number, mails: ReadonlyArray<Buffer | null>): void {
  const gitDir = join(inbox, 'git', `${epoch}.git`)
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }
  if (!existsSync(gitDir)) {
    mkdirSync(gitDir, { recursive: true })
    const init = spawnSync('git', ['init', '--quiet', '--bare', '--initial-branch=master', gitDir], { env })
    if (init.status !== 0) throw new Error(`git init: ${String(init.stderr)}`)
  }
  const hasTip = spawnSync('git', ['--git-dir', gitDir, 'rev-parse', '--verify', '-q', 'refs/heads/master'], { env }).status === 0
  const parts: Buffer[] = []
  const text = (s: string): void => { parts.push(Buffer.from(s)) }
  const data = (b: Buffer): void => { text(`data ${b.length}\n`); parts.push(b); text('\n') }
  mails.forEach((mail, i) => {
    text('commit refs/heads/master\n')
    text(`author A U Thor <a@example.org> ${1_700_000_000 + i} +0000\ncommitter public-inbox <pi@example.org> ${1_700_000_000 + i} +0000\n`)
    data(Buffer.from(mail === null ? 'delete' : `message ${i}`))
    if (i === 0 && hasTip) text('from refs/heads/master^0\n')
    text('deleteall\n')
    text(mail === null ? 'M 100644 inline d\n' : 'M 100644 inline m\n')
    data(mail ?? Buffer.from('deleted\n'))
  })
  const r = spawnSync('git', ['--git-dir', gitDir, 'fast-import', '--quiet'], { env, input: Buffer.concat(parts) })
  if (r.status !== 0) throw new Error(`git fast-import: ${String(r.stderr)}`)
}
