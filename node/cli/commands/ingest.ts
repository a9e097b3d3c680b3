import type { IngestProgress, IngestSummary } from '../../../bridges/email/ingest/ingest.js'
import { parseMatches } from '../../../bridges/email/ingest/match.js'
import { resolve } from 'node:path'
import { isCairnError } from '../../../protocol/errors.js'
import { daemonApi } from '../../daemon/record.js'
import type { DaemonApi } from '../../daemon/record.js'
import type { IngestRequest } from '../../http/routes/ingest.js'
import type { Args, Command, Context } from '../command.js'
import { ingestThroughDaemon, liveDaemon } from '../daemon-api.js'
import { progressPrinter } from '../progress.js'
import type { ingestSpec } from '../specs/mail.js'

type MboxArgs = Args<(typeof ingestSpec)['subcommands'][0]>
type Kind = 'mbox' | 'maildir' | 'public-inbox' | 'mail'

export const ingest: Command = {
  subcommands: {
    mbox: async (ctx, args: MboxArgs) => await run(ctx, 'mbox', args),
    maildir: async (ctx, args: MboxArgs) => await run(ctx, 'maildir', args),
    'public-inbox': async (ctx, args: MboxArgs) => await run(ctx, 'public-inbox', args),
    mail: async (ctx, args: MboxArgs) => await run(ctx, 'mail', args)
  }
}

/**
 * Every source takes the same options; only mbox has --format (the parser
 * keeps it there). While `cairn start` holds the home the run goes through
 * its API (POST /api/ingest): stdin (`mail`, `mbox -`) is streamed to it;
 * files and folders are named by absolute path and the daemon reads them
 * itself (same machine: the CLI found it through the home; a public-inbox's
 * cursors live in the home, and nothing large crosses HTTP twice).
 */
async function run (ctx: Context, kind: Kind, { values, positionals }: MboxArgs): Promise<void> {
  parseMatches(values.match ?? []) // bad --match: a usage error before anything is read or sent
  const where = positionals[0]
  let stop = false
  void ctx.stopped.then(() => { stop = true })
  const options: IngestOptionsIn = {
    ...(values.format === undefined ? {} : { format: values.format }),
    ...(values.list === undefined ? {} : { list: values.list }),
    ...(values.project === undefined ? {} : { project: values.project }),
    match: values.match ?? []
  }
  const stdin = where === undefined || where === '-'
  const input: IngestRequest['input'] = stdin ? { stream: process.stdin } : { path: where }
  const print = (summary: IngestSummary): void => {
    if (values.json === true) ctx.io.out(JSON.stringify(summary))
    else for (const line of summaryLines(summary)) ctx.io.out(line)
  }
  const report = progress(ctx)
  const onProgress = (p: unknown): void => report(p as IngestProgress)
  const warn = (message: string): void => ctx.io.err(`warning: ${message}`)
  const throughDaemon = async (api: DaemonApi): Promise<IngestSummary | null> =>
    await ingestThroughDaemon(api, { source: kind, input: stdin ? input : { path: resolve(where) }, ...options }, { progress: onProgress, warn }, ctx.stopped) as IngestSummary | null
  let summary: IngestSummary | null
  const running = liveDaemon(ctx.home)
  if (running !== null) summary = await throughDaemon(running) // an MDA's one mail: no node or bridge code loaded
  else {
    try {
      const [{ withNode }, { ingestOnce }] = await Promise.all([import('../command.js'), import('../ingest-local.js')])
      summary = await withNode(ctx, async (node) => await ingestOnce(node, { source: kind, input, ...options, progress: onProgress, warn, stopped: () => stop }), { onProgress: progressPrinter(ctx.io, 'index') })
    } catch (err) {
      const api = isCairnError(err, 'HOME_LOCKED') ? daemonApi(ctx.home) : null
      if (api === null) throw err
      summary = await throughDaemon(api)
    }
  }
  if (summary === null) ctx.io.out('ingest: interrupted: the daemon keeps and publishes the mails it read')
  else print(summary)
}

type IngestOptionsIn = Pick<IngestRequest, 'format' | 'list' | 'project' | 'match'>

/** Progress on stderr, at most once a second, only once the run has lasted a second. */
function progress (ctx: Context): (p: IngestProgress) => void {
  const started = Date.now()
  return (p) => {
    const secs = (Date.now() - started) / 1000
    if (secs < 1) return
    if (p.phase === 'read') {
      ctx.io.err(`ingest: ${p.mails} mails read (${(p.bytes / 1e6).toFixed(1)} MB, ${Math.round(p.mails / secs)} mails/s): ${p.fresh} new, ${p.duplicates} duplicates, ${p.quarantined} quarantined`)
    } else {
      ctx.io.err(`ingest: ${p.phase === 'group' ? 'grouping the new mails\' threads and senders into series' : 'publishing events'} (${secs.toFixed(1)} s)`)
    }
  }
}

export function summaryLines (s: IngestSummary): string[] {
  const p = s.published
  return [
    `ingest: ${s.mails} mails read: ${s.new} new, ${s.duplicates} duplicates, ${s.quarantined} quarantined${s.interrupted ? ' (interrupted: what was read is kept)' : ''}`,
    `ingest: ${s.series} series, ${s.revisions} revisions, ${s.replies} replies, ${s.trailers} trailers, ${s.raw} mail.raw${s.filtered > 0 ? `, ${s.filtered} mails left out by --match` : ''}`,
    `ingest: published ${p['series.revision']} series.revision, ${p.review} review, ${p['mail.raw']} mail.raw events in ${(s.elapsedMs / 1000).toFixed(1)} s${p.fallbacks > 0 ? ` (${p.fallbacks} mails kept as mail.raw: their event failed its schema)` : ''}`
  ]
}
