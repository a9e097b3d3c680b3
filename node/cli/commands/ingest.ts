import { BridgeState } from '../../../bridges/email/ingest/bridge-state.js'
import { ingest as runIngest } from '../../../bridges/email/ingest/ingest.js'
import type { IngestProgress, IngestSummary } from '../../../bridges/email/ingest/ingest.js'
import { parseMatches } from '../../../bridges/email/ingest/match.js'
import { publicInboxSource } from '../../../bridges/email/ingest/public-inbox.js'
import { maildirSource, mboxSource, singleMailSource } from '../../../bridges/email/ingest/sources.js'
import type { MailSource } from '../../../bridges/email/ingest/sources.js'
import type { Args, Command, Context } from '../command.js'
import { withNode } from '../command.js'
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

/** Every source takes the same options; only mbox has --format (the parser keeps it there). */
async function run (ctx: Context, kind: Kind, { values, positionals }: MboxArgs): Promise<void> {
  const match = parseMatches(values.match ?? [])
  const where = positionals[0] as string
  let stop = false
  void ctx.stopped.then(() => { stop = true })
  await withNode(ctx, async (node) => {
    const state = new BridgeState(node.paths.dir)
    try {
      const source: MailSource = kind === 'mbox'
        ? mboxSource(where, { mboxrd: values.format !== 'mboxo' })
        : kind === 'maildir' ? maildirSource(where) : kind === 'public-inbox' ? publicInboxSource(where, state.cursors) : singleMailSource()
      const summary = await runIngest(node, state, source, {
        ...(values.list === undefined ? {} : { list: values.list }),
        ...(values.project === undefined ? {} : { project: values.project }),
        match,
        onProgress: progress(ctx),
        stopped: () => stop
      })
      if (values.json === true) ctx.io.out(JSON.stringify(summary))
      else for (const line of summaryLines(summary)) ctx.io.out(line)
    } finally {
      state.close()
    }
  }, { onProgress: progressPrinter(ctx.io, 'index') })
}

/** Progress on stderr, at most once a second, only once the run has lasted a second. */
function progress (ctx: Context): (p: IngestProgress) => void {
  const started = Date.now()
  return (p) => {
    const secs = (Date.now() - started) / 1000
    if (secs < 1) return
    if (p.phase === 'read') {
      ctx.io.err(`ingest: ${p.mails} mails read (${(p.bytes / 1e6).toFixed(1)} MB, ${Math.round(p.mails / secs)} mails/s): ${p.fresh} new, ${p.duplicates} duplicates, ${p.quarantined} quarantined`)
    } else {
      ctx.io.err(`ingest: ${p.phase === 'group' ? 'grouping every known mail into series' : 'publishing events'} (${secs.toFixed(1)} s)`)
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
