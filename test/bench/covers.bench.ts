// Unthreaded covers (issue 15 step 2): adoptUnthreadedCovers over many
// covers and one-patch series from one sender in one minute, each posting
// with a prefix of its own (every cover has one patch it may take), beside
// the pairwise rule it replaced (every cover against every patch draft),
// on the same drafts. Doubling n doubles the index's time and quadruples
// the pairwise rule's.
// Run: npm run bench -- covers   (or node --import tsx test/bench/covers.bench.ts)
import { pathToFileURL } from 'node:url'
import { adoptUnthreadedCovers } from '../../bridges/email/series/join.js'
import { indexMails } from '../../bridges/email/series/mails.js'
import { drafts, pairwise, unthreadedPostings } from '../email/unthreaded-fixture.js'

function time (f: () => number): { ms: number, adopted: number } {
  const t0 = process.hrtime.bigint()
  const adopted = f()
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, adopted }
}

export async function run (): Promise<void> {
  console.log('covers bench: n unthreaded covers and n one-patch series, one sender, one minute, a prefix each')
  const warm = indexMails(unthreadedPostings(500, 0, true)).nodes
  for (let i = 0; i < 3; i++) adoptUnthreadedCovers(drafts(warm), new Map()) // compiled before it is timed
  for (const n of [1000, 2000, 4000, 8000, 16000]) {
    const { nodes } = indexMails(unthreadedPostings(n, 0, true))
    const adoptedIn = (ds: ReturnType<typeof drafts>): number => ds.filter((d) => d.cover !== undefined && d.patches.size > 0).length
    const index = time(() => adoptedIn(adoptUnthreadedCovers(drafts(nodes), new Map())))
    const reference = n > 4000 ? undefined : time(() => adoptedIn(pairwise(drafts(nodes), new Map())))
    console.log(`  n = ${String(n).padStart(5)}  index ${index.ms.toFixed(1).padStart(8)} ms (${index.adopted} adopted)  pairwise ${reference === undefined ? '(not run)' : `${reference.ms.toFixed(1).padStart(8)} ms (${reference.adopted} adopted)`}`)
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((err) => { console.error(err); process.exitCode = 1 })
}
