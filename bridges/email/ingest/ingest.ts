/**
 * The ingest pipeline: read mails from a source, keep the new ones (bytes
 * and diff in blobs, the parsed mail in the bridge state), then group again
 * the parts of the archive the new mails touch (regroup.ts) and publish
 * what changed. Reading is batched:
 * one blob append and one state frame per batch, so a kill -9 loses at most
 * the batch in flight, which the next run reads again.
 */
import type { CairnNode } from '../../../node/node.js'
import type { BridgeState, Tally } from './bridge-state.js'
import { putBlobs } from './blob-batch.js'
import type { Desired } from './bodies.js'
import { blobHash, parseRecord } from './mail-record.js'
import type { MailRecord, ParsedRecord } from './mail-record.js'
import { isFiltering } from './match.js'
import type { MatchSpec } from './match.js'
import { publish } from './publish.js'
import type { PublishCounts } from './publish.js'
import { regroup } from './regroup.js'
import type { MailSource } from './sources.js'

export interface IngestOptions {
  /** --list: the list these mails came from (else each mail's List-Id). */
  list?: string
  /** --project: the project of the series (else the list). */
  project?: string
  match?: MatchSpec
  onProgress?: (p: IngestProgress) => void
  /** Checked between mails: stop reading, keep what was read, publish it. */
  stopped?: () => boolean
  /** Mails per batch (one blob append, one state frame). */
  batchMails?: number
  /** Told after each batch is stored for good (mails of this run so far). */
  onBatch?: (stored: number) => void
}

export interface IngestProgress {
  phase: 'read' | 'group' | 'publish'
  mails: number
  bytes: number
  fresh: number
  duplicates: number
  quarantined: number
}

export interface IngestSummary {
  /** This run: mails read from the source, new ones, already read (the same bytes), refused by the parser (kept as mail.raw). */
  mails: number
  new: number
  duplicates: number
  quarantined: number
  /** Everything the bridge knows after this run (all runs), as grouped now; with --match, the parts this run grouped. */
  series: number
  revisions: number
  replies: number
  trailers: number
  /** Mails kept as mail.raw: unmatched by the series model, or quarantined. */
  raw: number
  /** Mails left unpublished by --match. */
  filtered: number
  /** Events this run appended. */
  published: PublishCounts
  /** True when the run stopped early (SIGINT): what was read is kept and published. */
  interrupted: boolean
  elapsedMs: number
}

const BATCH_MAILS = 256 // one blob append and one state frame per batch; storing overlaps reading the next
const BATCH_BYTES = 32 << 20 // 32 MB of raw mail: bounds the memory one batch holds

export async function ingest (node: CairnNode, state: BridgeState, source: MailSource, opts: IngestOptions = {}): Promise<IngestSummary> {
  const started = Date.now()
  const progress: IngestProgress = { phase: 'read', mails: 0, bytes: 0, fresh: 0, duplicates: 0, quarantined: 0 }
  const report = (): void => opts.onProgress?.({ ...progress })
  const batchMails = opts.batchMails ?? BATCH_MAILS
  let batch: ParsedRecord[] = []
  let batchBytes = 0
  let cursors: Record<string, string> | undefined
  let stored = 0
  /** Hashes read this run and not yet in the state (batches in flight). */
  const batchHashes = new Set<string>()
  const parseOpts = { ...(opts.list === undefined ? {} : { list: opts.list }), ...(opts.project === undefined ? {} : { project: opts.project }) }

  /** Store one batch: its blobs in one append, then its records (and cursors) in one state frame. */
  const store = async (mails: ParsedRecord[], advanced: Record<string, string> | undefined): Promise<void> => {
    const items = mails.flatMap((r) => r.diffBytes === undefined ? [{ data: r.rawBytes, hash: r.hash }] : [{ data: r.rawBytes, hash: r.hash }, { data: r.diffBytes }])
    const refs = await putBlobs(node, items, state.blobs)
    let at = 0
    const records = mails.map((r): MailRecord => {
      const raw = refs[at++]
      if (raw === undefined) throw new Error('putBlobs returned fewer refs than blobs') // a bug
      const rec: MailRecord = { hash: r.hash, raw, origin: r.origin }
      if (r.mail !== undefined) rec.mail = r.mail
      if (r.content !== undefined) rec.content = r.content
      if (r.diffBytes !== undefined) rec.diff = refs[at++] as MailRecord['raw']
      if (r.files !== undefined) rec.files = r.files
      if (r.error !== undefined) rec.error = r.error
      if (r.list !== undefined) rec.list = r.list
      if (r.project !== undefined) rec.project = r.project
      return rec
    })
    state.append(records, advanced)
    stored += records.length
    opts.onBatch?.(stored)
  }
  // One batch is stored while the next is read and parsed: the blobs core writes off the main thread.
  let storing: Promise<void> = Promise.resolve()
  const flush = async (): Promise<void> => {
    if (batch.length === 0 && cursors === undefined) return
    const mails = batch
    const advanced = cursors
    batch = []
    batchBytes = 0
    cursors = undefined
    await storing // frames stay in reading order, and at most one batch waits in memory
    storing = store(mails, advanced)
    storing.catch(() => {}) // awaited (and thrown) at the next flush; not an unhandled rejection meanwhile
  }

  let interrupted = false
  let lastReport = Date.now()
  for await (const m of source) {
    progress.mails++
    progress.bytes += m.raw.byteLength
    if (m.cursor !== undefined) (cursors ??= {})[m.cursor[0]] = m.cursor[1]
    const hash = blobHash(m.raw)
    if (state.hasRaw(hash) || batchHashes.has(hash)) {
      progress.duplicates++
    } else {
      // Another copy of a known mail (other transport headers) is kept too: grouping makes it a
      // mail.raw saying whose copy it is, so every input ends somewhere.
      const rec = parseRecord(m.raw, m.origin, parseOpts, hash)
      batchHashes.add(hash)
      batch.push(rec)
      batchBytes += m.raw.byteLength + (rec.diffBytes?.byteLength ?? 0)
      progress.fresh++
      if (rec.error !== undefined) progress.quarantined++
    }
    if (batch.length >= batchMails || batchBytes >= BATCH_BYTES) await flush()
    if (Date.now() - lastReport >= 1000) { lastReport = Date.now(); report() }
    if (opts.stopped?.() === true) { interrupted = true; break }
  }
  await flush()
  await storing

  progress.phase = 'group'
  report()
  const filtering = opts.match !== undefined && isFiltering(opts.match)
  const { desired, records, parts } = regroup(state, filtering ? opts.match : undefined)

  progress.phase = 'publish'
  report()
  const published = await publish(node, desired, state.published)
  // A --match run publishes only some series: the parts stay to be grouped again by a run without it.
  if (!filtering) state.recordGrouping(parts)
  const referenced = new Set([...desired.revisions.flatMap((d) => d.mails), ...desired.reviews.map((r) => r.record)].map((r) => r.raw.hash))
  for (const r of desired.raws) referenced.add(r.hash)
  const totals = filtering ? tallyOf(desired) : state.totals()
  return {
    mails: progress.mails,
    new: progress.fresh,
    duplicates: progress.duplicates,
    quarantined: progress.quarantined,
    ...totals,
    filtered: filtering ? [...records.values()].filter((m) => !referenced.has(m.raw.hash)).length : 0,
    published,
    interrupted,
    elapsedMs: Date.now() - started
  }
}

/** The figures of one run's desired events (a --match run, which records no tally). */
function tallyOf (desired: Desired): Tally {
  return {
    series: new Set(desired.revisions.map((d) => d.body.series)).size,
    revisions: desired.revisions.length,
    replies: desired.reviews.length,
    trailers: desired.reviews.reduce((n, r) => n + r.body.trailers.length, 0),
    raw: desired.raws.length
  }
}
