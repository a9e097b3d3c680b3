// The views-db bench's workload: indexer frames of views-like events, made
// the same way on every call from (feed, block, index) alone, so a writer
// killed at any point can resume from its checkpoint and a checker can tell
// exactly what a checkpoint covers.
import { createHash } from 'node:crypto'
import { pack } from 'msgpackr'

/** The DESIGN event types with how often each occurs per 10,000 events. */
const TYPE_WEIGHTS: Array<[string, number]> = [
  ['review', 3500], ['job.progress', 2000], ['series.revision', 1500], ['job.request', 1000],
  ['job.claim', 800], ['decision', 500], ['note', 400], ['mail.raw', 150], ['merge', 50],
  ['identity.link', 25], ['trust.set', 25], ['result', 50]
]
export const TYPES = TYPE_WEIGHTS.map(([t]) => t)
const TYPE_TABLE: string[] = TYPE_WEIGHTS.flatMap(([t, w]) => Array<string>(w).fill(t))
const WITH_MESSAGE_ID = new Set(['series.revision', 'review', 'mail.raw'])

export const FEEDS = 8
export const AUTHORS = 50
/** Blocks per frame, as node/views/indexer.ts's BLOCKS_PER_FRAME. */
export const BLOCKS_PER_FRAME = 64
export const TESTS_PER_RESULT = Number(process.env.CAIRN_BENCH_TESTS ?? 500)
/** Distinct test names; each result runs TESTS_PER_RESULT consecutive ones, so a name recurs across results. */
export const TEST_NAMES = TESTS_PER_RESULT * 4
const TS0 = Date.UTC(2026, 0, 1)
const FILLER = 'The quick brown fox jumps over the lazy dog; Signed-off-by: A Developer <dev@example.org>\n'.repeat(12)

export interface BenchTest { name: string, status: number, duration: number }
export interface BenchEvent {
  id: Buffer
  type: string
  author: Buffer
  ts: number
  feed: number
  seq: number
  index: number
  /** The msgpack body as a view keeps it (300 B to 1 KB). */
  body: Buffer
  messageId?: string
  tests?: BenchTest[]
}
/** One indexer frame: blocks [from, length) of one feed, committed with the checkpoint `length`. */
export interface BenchFrame { feed: number, from: number, length: number, events: BenchEvent[] }

export const feedKey = (feed: number): Buffer => createHash('sha256').update(`feed ${feed}`).digest()
export const authorKey = (n: number): Buffer => createHash('sha256').update(`author ${n}`).digest()
const AUTHOR_KEYS = Array.from({ length: AUTHORS }, (_, n) => authorKey(n))
export const testName = (n: number): string => `selftests/net/forwarding/case-${String(n).padStart(5, '0')}.sh`

/** Frames go round-robin over the feeds: frame k covers feed k % FEEDS. */
export function frameAt (k: number): { feed: number, from: number } {
  return { feed: k % FEEDS, from: Math.floor(k / FEEDS) * BLOCKS_PER_FRAME }
}

export function eventsInBlock (feed: number, block: number): number {
  return 3 + (digest(`${feed}/${block}`).readUInt8(0) % 5) // 3 to 7: a frame holds about 320
}

export function makeEvent (feed: number, block: number, index: number): BenchEvent {
  const id = digest(`${feed}/${block}/${index}`)
  const type = TYPE_TABLE[id.readUInt16BE(0) % TYPE_TABLE.length] as string
  const frame = Math.floor(block / BLOCKS_PER_FRAME) * FEEDS + feed
  // ts grows with the frame order, so (ts, id) agrees with the order of commits.
  const ts = TS0 + frame * 10_000 + (block % BLOCKS_PER_FRAME) * 10 + index
  const size = 300 + id.readUInt16BE(2) % 700
  const body = pack({ v: 1, refs: [id.subarray(0, 8).toString('hex')], text: FILLER.slice(0, size) })
  const event: BenchEvent = { id, type, author: AUTHOR_KEYS[id.readUInt8(4) % AUTHORS] as Buffer, ts, feed, seq: block, index, body }
  if (WITH_MESSAGE_ID.has(type)) event.messageId = messageIdOf(id)
  if (type === 'result') event.tests = testsOf(id)
  return event
}

export const messageIdOf = (id: Buffer): string => `<${id.toString('hex', 0, 12)}@bench.example.org>`

function testsOf (id: Buffer): BenchTest[] {
  const first = id.readUInt16BE(6) % (TEST_NAMES - TESTS_PER_RESULT)
  let s = id.readUInt32BE(8)
  return Array.from({ length: TESTS_PER_RESULT }, (_, i) => {
    s = (s * 1103515245 + 12345) >>> 0
    const r = s >>> 16
    return { name: testName(first + i), status: r % 23 === 0 ? 1 : r % 17 === 0 ? 2 : 0, duration: r % 5000 }
  })
}

export function makeFrame (k: number): BenchFrame {
  const { feed, from } = frameAt(k)
  const events: BenchEvent[] = []
  for (let b = from; b < from + BLOCKS_PER_FRAME; b++) {
    const n = eventsInBlock(feed, b)
    for (let i = 0; i < n; i++) events.push(makeEvent(feed, b, i))
  }
  return { feed, from, length: from + BLOCKS_PER_FRAME, events }
}

/** Frames until at least `events` events. */
export function makeFrames (events: number): BenchFrame[] {
  const frames: BenchFrame[] = []
  let n = 0
  while (n < events) {
    const frame = makeFrame(frames.length)
    frames.push(frame)
    n += frame.events.length
  }
  return frames
}

/** The checkpoints after `frames` frames, in feed order. */
export function checkpointsAfter (frames: number): number[] {
  return Array.from({ length: FEEDS }, (_, f) => Math.floor((frames + FEEDS - 1 - f) / FEEDS) * BLOCKS_PER_FRAME)
}

function digest (s: string): Buffer {
  return createHash('sha256').update(s).digest()
}
