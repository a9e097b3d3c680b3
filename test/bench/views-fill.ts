// A home for the views bench (issue 12): the real lists in ../shared/corpora
// (linux-rtc-5000 and git-history, ingested as mail), then generated history
// up to `events` (series with rerolls, reviews with trailers, jobs with their
// claims and progress, results, decisions, notes: api-fill.ts), including
// results of `bigTests` tests each. Without ../shared the home is generated only.
import { readFileSync } from 'node:fs'
import { BridgeState } from '../../bridges/email/ingest/bridge-state.js'
import { ingest } from '../../bridges/email/ingest/ingest.js'
import type { MailSource } from '../../bridges/email/ingest/sources.js'
import { splitMbox } from '../../bridges/email/parse/mbox.js'
import { CairnNode } from '../../node/node.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { fillApiNode } from './api-fill.js'
import type { Filled } from './api-fill.js'

export interface HomeOptions {
  events: number
  /** Ingest the real lists first. */
  corpora: boolean
  bigTests: number
  /** Series whose run gets a result of `bigTests` tests (beside two baselines). */
  bigRuns: number
}

export interface ViewsHome extends Filled {
  /** Mails ingested from the corpora. */
  mails: number
}

async function * mails (): MailSource {
  for (const [name, file] of [['linux-rtc', 'linux-rtc-5000.mboxrd'], ['git-history', 'git-history.mboxrd']] as const) {
    const raws = splitMbox(readFileSync(corpus(name, file)), { mboxrd: true })
    for (const [i, raw] of raws.entries()) yield { raw, origin: `${file} #${i + 1}` }
  }
}

/** Make the home in `dir` (a new one) and close it. */
export async function makeViewsHome (dir: string, opts: HomeOptions): Promise<ViewsHome> {
  const node = await CairnNode.init(dir, 'bench')
  try {
    let ingested = 0
    if (opts.corpora && hasShared) {
      const state = new BridgeState(dir)
      try {
        ingested = (await ingest(node, state, mails())).mails
      } finally {
        state.close()
      }
      await node.indexer.run()
    }
    const filled = await fillApiNode(node, { events: Math.max(0, opts.events - node.views.count), bigTests: opts.bigTests, bigRuns: opts.bigRuns })
    return { ...filled, mails: ingested }
  } finally {
    await node.close()
  }
}
