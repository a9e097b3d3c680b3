import test from 'brittle'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cairn, cairnChild, cairnIn, nthLine } from '../helpers/cli.js'
import type { CairnChild } from '../helpers/cli.js'
import { ciAndLab, deliver, headerOf, makeMaildir, makeProject, ok, smtpSink } from './fixture.js'
import type { Mail } from './fixture.js'

test('CI by the CLI only: mails delivered one by one with cairn ingest mail beside the daemon, both revisions tested, one threaded verdict mail each, nothing more after a restart and re-delivery (by ingest mail and the Maildir watch)', { timeout: 240_000 }, async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const smtp = await smtpSink(t)
  const maildir = makeMaildir(join(dir, 'Maildir'))
  const { ciHome, labHome } = ciAndLab(dir)
  const config = join(dir, 'ci.yaml')
  writeFileSync(config, `series:
  lists: [notes@example.org]
  subjects: [notes]
repo: repo
base: main
tags: [ci]
verdict:
  smtp: 127.0.0.1:${smtp.port}
  from: Notes CI <ci@example.org>
`)
  const startDaemon = async (): Promise<{ daemon: CairnChild, at: string }> => {
    const daemon = cairnChild(t, ciHome, 'start', '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', '--ci', config, '--watch', `maildir:${maildir}`)
    const at = `127.0.0.1:${(await daemon.waitFor(/^sync\s+listening on 127\.0\.0\.1:(\d+)$/))[1] ?? ''}`
    await daemon.waitFor(/^running/)
    return { daemon, at }
  }
  /** As an MDA delivers: `cairn ingest mail < FILE` while the daemon holds the home; returns each run's summary line. */
  const ingestMail = (mails: Mail[]): string[] => mails.map((mail) => {
    const out = ok(cairnIn(ciHome, readFileSync(mail.file), 'ingest', 'mail'))
    return /^ingest: .*$/m.exec(out)?.[0] ?? out
  })
  const watchIn = async (daemon: CairnChild, mails: Mail[]): Promise<void> => {
    for (const mail of mails) {
      const before = daemon.count(/^watch .*: ingest: \d+ mails read/)
      deliver(maildir, mail)
      await nthLine(daemon, /^watch .*: ingest: \d+ mails read/, before + 1)
    }
  }

  let { daemon, at } = await startDaemon()
  const runner = cairnChild(t, labHome, 'runner', 'start', '--tags', 'ci', '--lease', '30s', '--connect', at)
  await runner.waitFor(/^runner ready/)

  t.ok(ingestMail(project.v1).every((line) => /: 1 new/.test(line)), 'each mail of v1 taken in by ingest mail beside the daemon')
  const [first] = await smtp.received(1)
  t.ok(first !== undefined && headerOf(first, 'X-Cairn-Verdict') === 'pass', 'v1 passes')
  t.is(headerOf(first ?? '', 'In-Reply-To'), `<${project.v1[0]?.messageId ?? ''}>`, 'threaded to the v1 cover letter')
  t.is(headerOf(first ?? '', 'References'), `<${project.v1[0]?.messageId ?? ''}>`)
  t.is(daemon.count(/^ci .* job default submitted/), 1, 'one job for v1')

  t.ok(ingestMail(project.v2).every((line) => /: 1 new/.test(line)), 'and of v2')
  const [, second] = await smtp.received(2)
  t.ok(second !== undefined && headerOf(second, 'X-Cairn-Verdict') === 'fail', 'v2 fails')
  t.is(headerOf(second ?? '', 'In-Reply-To'), `<${project.v2[0]?.messageId ?? ''}>`, 'threaded to the v2 cover letter')
  t.ok(/^ {4}answer: fail$/m.test(second ?? ''), 'the failing test is named')
  t.ok(/value is 40, expected 41/.test(second ?? ''), 'with the log line that explains it')
  t.is(daemon.count(/^ci .* job default submitted/), 2, 'one job for v2')

  daemon.child.kill('SIGTERM')
  t.is(await daemon.exited, 0, 'the daemon stops cleanly')
  ;({ daemon } = await startDaemon())
  t.ok(ingestMail(project.v1).every((line) => /: 0 new/.test(line)), 'v1 again by ingest mail: each a duplicate')
  await watchIn(daemon, project.v2)
  t.is(daemon.count(/^watch .*: ingest: \d+ mails read: 0 new/), 3, 'v2 again through the Maildir watch: each a duplicate')
  daemon.child.kill('SIGTERM')
  t.is(await daemon.exited, 0)
  t.is(smtp.mails.length, 2, 'still exactly one verdict mail per revision')
  t.is(daemon.count(/^ci .*(: job \S+ submitted|: verdict (pass|fail))/), 0, 'no job and no verdict after the restart')
  runner.child.kill('SIGTERM')
  await runner.exited
})
