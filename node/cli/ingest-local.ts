/**
 * Ingest runs in this process, into an open node: the CLI's own (`cairn
 * ingest` with no daemon) and the daemon's (POST /api/ingest and the mail
 * watchers, through one queue). Apart from commands/ingest.ts so that a run
 * beside the daemon loads none of it.
 */
import { BridgeState } from '../../bridges/email/ingest/bridge-state.js'
import { ingest as runIngest } from '../../bridges/email/ingest/ingest.js'
import type { IngestSummary } from '../../bridges/email/ingest/ingest.js'
import { parseMatches } from '../../bridges/email/ingest/match.js'
import { publicInboxSource } from '../../bridges/email/ingest/public-inbox.js'
import { maildirSource, mboxSource, singleMailSource } from '../../bridges/email/ingest/sources.js'
import type { MailSource } from '../../bridges/email/ingest/sources.js'
import type { Ingest, IngestRequest } from '../http/routes/ingest.js'
import type { CairnNode } from '../node.js'

/** The CLI's own ingest run: it opens the bridge state for the run. */
export async function ingestOnce (node: CairnNode, req: IngestRequest): Promise<IngestSummary> {
  const state = new BridgeState(node.paths.dir)
  try {
    return await ingestInto(node, state, req)
  } finally {
    state.close()
  }
}

/** One ingest run into an open node and bridge state: the CLI's own, and the daemon's (POST /api/ingest). */
async function ingestInto (node: CairnNode, state: BridgeState, req: IngestRequest): Promise<IngestSummary> {
  const where = 'path' in req.input ? req.input.path : '-'
  const stream = 'stream' in req.input ? req.input.stream : undefined
  const source: MailSource = req.source === 'mbox'
    ? mboxSource(where, { mboxrd: req.format !== 'mboxo', warn: req.warn, ...(stream === undefined ? {} : { stream }) })
    : req.source === 'maildir' ? maildirSource(where) : req.source === 'public-inbox' ? publicInboxSource(where, state.cursors) : singleMailSource(stream)
  return await runIngest(node, state, source, {
    ...(req.list === undefined ? {} : { list: req.list }),
    ...(req.project === undefined ? {} : { project: req.project }),
    match: parseMatches(req.match),
    onProgress: req.progress,
    stopped: req.stopped
  })
}

/**
 * Runs one bridge job at a time over the daemon's bridge state: the state
 * in the home has one writer, and it stays open across runs (its decoded
 * mails are what grouping memoises on, series/memo.ts).
 */
export interface MailQueue {
  run: <T>(job: (state: BridgeState) => Promise<T>) => Promise<T>
  /** After the last job: close the state. */
  close: () => Promise<void>
}

export function mailQueue (home: string): MailQueue {
  let queue: Promise<unknown> = Promise.resolve()
  let state: BridgeState | null = null
  const open = (): BridgeState => (state ??= new BridgeState(home))
  return {
    run: async <T>(job: (state: BridgeState) => Promise<T>): Promise<T> => {
      const run = queue.then(async () => await job(open()))
      queue = run.catch(() => {})
      return await run
    },
    close: async () => {
      await queue
      state?.close()
      state = null
    }
  }
}

/**
 * The daemon's ingest capability (HttpOptions.ingest), composed in by
 * `cairn start`: node/http may not import the bridge. Runs go through the
 * daemon's one mail queue, which the mail watchers share.
 */
export function daemonIngest (node: CairnNode, queue: MailQueue): (request: IngestRequest) => Promise<IngestSummary> {
  return async (req) => await queue.run(async (state) => await ingestInto(node, state, req))
}

