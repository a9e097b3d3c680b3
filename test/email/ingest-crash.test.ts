// kill -9 an ingest halfway (once while reading, once while publishing) and
// run it again: the feed must hold exactly the events of one clean run, no
// duplicate, nothing missing. Input: a public-inbox built from the first
// mails of the git-history corpus plus review replies.
import test from 'brittle'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { splitMbox } from '../../bridges/email/parse/mbox.js'
import { publicInboxSource } from '../../bridges/email/ingest/public-inbox.js'
import { CairnNode } from '../../node/node.js'
import { corpus, hasShared } from '../helpers/paths.js'
import { appendToInbox, ingestSource, normalizedEvents, rawMail } from './ingest-fixture.js'

const MAILS = 600
const BATCH = 50

/** Run the ingest child until `stopAt` says so (then SIGKILL), or to its end. */
async function runChild (home: string, inbox: string, stopAt?: (line: Record<string, unknown>) => number | null): Promise<'killed' | 'done'> {
  const js = fileURLToPath(new URL('./ingest-child.js', import.meta.url))
  const argv = existsSync(js) ? [js] : ['--import', 'tsx', fileURLToPath(new URL('./ingest-child.ts', import.meta.url))]
  const child = spawn(process.execPath, [...argv, home, 'public-inbox', inbox, String(BATCH)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let killed = false
  for await (const line of createInterface({ input: child.stdout })) {
    const delay = stopAt?.(JSON.parse(line) as Record<string, unknown>) ?? null
    if (delay !== null && !killed) {
      killed = true
      setTimeout(() => child.kill('SIGKILL'), delay)
    }
  }
  const code = await exited
  if (!killed && code !== 0) throw new Error(`ingest child failed (${String(code)})`)
  return killed ? 'killed' : 'done'
}

test('kill -9 while reading and while publishing, then run again: exactly the events of one clean run', { skip: !hasShared && 'needs ../shared/corpora (absent in this checkout)', timeout: 120_000 }, async (t) => {
  const mails = splitMbox(readFileSync(corpus('git-history', 'git-history.mboxrd')), { mboxrd: true }).slice(0, MAILS)
  const replies = mails.slice(0, 200).filter((_, i) => i % 10 === 0).map((m, i) => {
    const id = /^Message-ID: <([^>]+)>/im.exec(m.toString('latin1'))?.[1] ?? ''
    return Buffer.from(rawMail({ id: `crash-reply-${i}@example.org`, irt: id, from: 'Rev Iewer <rev@example.org>', subject: 'Re: a patch', body: `Reviewed-by: Rev Iewer <rev@example.org>\n` }))
  })
  const inbox = join(await t.tmp(), 'inbox')
  appendToInbox(inbox, 0, [...mails, ...replies])

  const cleanHome = await t.tmp()
  const clean = await CairnNode.init(cleanHome, 'clean')
  const summary = await ingestSource(clean, publicInboxSource(inbox, new Map()))
  const want = normalizedEvents(clean)
  await clean.close()
  t.comment(`clean run: ${summary.mails} mails -> ${JSON.stringify(summary.published)}`)
  t.ok(summary.published.review > 0 && summary.published['series.revision'] > 0)

  const home = await t.tmp()
  await (await CairnNode.init(home, 'crashed')).close()
  t.is(await runChild(home, inbox, (l) => typeof l.stored === 'number' && l.stored >= 4 * BATCH ? 0 : null), 'killed', 'killed while reading')
  t.is(await runChild(home, inbox, (l) => typeof l.appended === 'number' && l.appended >= 3 ? 0 : null), 'killed', 'killed while publishing')
  const half = await CairnNode.open(home)
  t.comment(`after the kills: ${normalizedEvents(half).length} of ${want.length} events published`)
  await half.close()
  t.is(await runChild(home, inbox), 'done', 'the third run finishes')
  const node = await CairnNode.open(home)
  t.teardown(() => node.close())
  const got = normalizedEvents(node)
  t.is(got.length, want.length, `${got.length} events, as many as one clean run`)
  t.alike(got, want, 'the same events, none twice')
})
