// npm run bench [NAME...]: every benchmark in turn (or the named ones), each
// printing its figures beside the reference measured in the same run.
// Record results in BENCHMARKS.md.
import { run as node } from './node.bench.js'
import { run as nar } from './nar.bench.js'
import { run as mailinfo } from './mailinfo.bench.js'
import { run as parsers } from './parsers.bench.js'
import { run as ingest } from './ingest.bench.js'
import { run as compare } from './compare.bench.js'
import { run as decide } from './decide.bench.js'
import { run as api } from './api.bench.js'
import { run as startup } from './startup.bench.js'
import { run as viewsDb } from './views-db.bench.js'
import { run as views } from './views.bench.js'
import { run as ingestOne } from './ingest-one.bench.js'
import { run as b4Compare } from './b4-compare.bench.js'
import { run as scale } from './scale.bench.js'
import { run as adopt } from './adopt.bench.js'
import { run as covers } from './covers.bench.js'
import { run as crash } from './crash.bench.js'
import { run as rates } from './rates.bench.js'
import { run as viewsWrite } from './views-write.bench.js'

const benches: Array<[string, () => Promise<void>]> = [
  ['node', node],
  ['nar', async () => await nar(50_000, 100)], // issue 4: identity of a 50k-file tree beside nix-hash
  ['mailinfo', mailinfo],
  ['parsers', parsers],
  ['compare', compare],
  ['decide', decide],
  ['ingest', ingest],
  ['api', api], // issue 6: HTTP latency over ~100k events
  ['startup', startup], // issue 18: cairn --help and cairn id beside node -e 0
  ['views-db', viewsDb], // issue 12: candidates for the on-disk views, kill -9 trials included
  ['views', views], // issue 12: commands on a small home beside a big one (CAIRN_BENCH_EVENTS)
  ['ingest-one', async () => await ingestOne()], // issue 14: one mail into a 20,000-mail home
  ['b4-compare', async () => await b4Compare()], // issue 15: series, versions and trailers beside b4 am
  ['scale', scale], // issue 17: node processes of one topic, a new node catching up (CAIRN_BENCH_EVENTS)
  ['adopt', adopt], // issue 13: adopting a peer's 1k/5k announced feeds beside raw store.get + ready
  ['covers', covers], // issue 15: unthreaded covers by index beside the pairwise rule
  ['crash', crash], // issue 12: kill -9 at random points of an ingest and of a sync; views = reindex, nothing acknowledged lost
  ['rates', rates], // issue 12: sync+index and reindex with the peer in its own process (CAIRN_BENCH_OLD: another build beside)
  ['views-write', viewsWrite] // issue 12: the views' write alone, by SQLite page size
]
const only = process.argv.slice(2)
for (const [name, bench] of benches) {
  if (only.length > 0 && !only.includes(name)) continue
  console.log(`\n== ${name}`)
  await bench()
}
