import test from 'brittle'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cairn, cairnChild } from '../helpers/cli.js'
import type { CairnChild } from '../helpers/cli.js'
import { deliver, headerOf, makeMaildir, makeProject, smtpSink } from './fixture.js'
import type { Mail } from './fixture.js'

const ok = (r: { status: number, stdout: string, stderr: string }): string => {
  if (r.status !== 0) throw new Error(`cairn failed (${r.status}): ${r.stderr}`)
  return r.stdout
}
const identityOf = (out: string): string => /^identity ([0-9a-f]{64})$/m.exec(out)?.[1] ?? ''

/** Resolves once `re` has matched n lines of the child's output (checked as output arrives). */
async function nth (c: CairnChild, re: RegExp, n: number): Promise<void> {
  while (c.count(re) < n) {
    if (c.child.exitCode !== null || c.child.signalCode !== null) throw new Error(`exited before ${n} lines matching ${String(re)}:\n${c.lines.join('\n')}`)
    await new Promise<void>((resolve) => {
      const next = (): void => { c.child.stdout?.off('data', next); c.child.off('exit', next); setImmediate(resolve) }
      c.child.stdout?.on('data', next)
      c.child.on('exit', next)
    })
  }
}

test('CI by the CLI only: mails watched in, both revisions tested, one threaded verdict mail each, nothing more after a restart and re-delivery', { timeout: 240_000 }, async (t) => {
  const dir = await t.tmp()
  const project = makeProject(dir)
  const smtp = await smtpSink(t)
  const maildir = makeMaildir(join(dir, 'Maildir'))
  const ciHome = join(dir, 'ci')
  const labHome = join(dir, 'lab')
  const ci = identityOf(ok(cairn(ciHome, 'init', '--name', 'ci')))
  const lab = identityOf(ok(cairn(labHome, 'init', '--name', 'lab')))
  ok(cairn(ciHome, 'trust', 'add', lab, '--role', 'runner'))
  ok(cairn(labHome, 'trust', 'add', ci, '--role', 'maintainer'))
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
    const daemon = cairnChild(t, ciHome, 'start', '--listen', '127.0.0.1:0', '--http', 'off', '--ci', config, '--watch', `maildir:${maildir}`)
    const at = `127.0.0.1:${(await daemon.waitFor(/^sync\s+listening on 127\.0\.0\.1:(\d+)$/))[1] ?? ''}`
    await daemon.waitFor(/^running/)
    return { daemon, at }
  }
  const deliverAll = async (daemon: CairnChild, mails: Mail[]): Promise<void> => {
    for (const mail of mails) {
      const before = daemon.count(/^watch .*: ingest: \d+ mails read/)
      deliver(maildir, mail)
      await nth(daemon, /^watch .*: ingest: \d+ mails read/, before + 1)
    }
  }

  let { daemon, at } = await startDaemon()
  const runner = cairnChild(t, labHome, 'runner', 'start', '--tags', 'ci', '--lease', '30s', '--connect', at)
  await runner.waitFor(/^runner ready/)

  await deliverAll(daemon, project.v1)
  const [first] = await smtp.received(1)
  t.ok(first !== undefined && headerOf(first, 'X-Cairn-Verdict') === 'pass', 'v1 passes')
  t.is(headerOf(first ?? '', 'In-Reply-To'), `<${project.v1[0]?.messageId ?? ''}>`, 'threaded to the v1 cover letter')
  t.is(headerOf(first ?? '', 'References'), `<${project.v1[0]?.messageId ?? ''}>`)
  t.is(daemon.count(/^ci .* job default submitted/), 1, 'one job for v1')

  await deliverAll(daemon, project.v2)
  const [, second] = await smtp.received(2)
  t.ok(second !== undefined && headerOf(second, 'X-Cairn-Verdict') === 'fail', 'v2 fails')
  t.is(headerOf(second ?? '', 'In-Reply-To'), `<${project.v2[0]?.messageId ?? ''}>`, 'threaded to the v2 cover letter')
  t.ok(/^ {4}answer: fail$/m.test(second ?? ''), 'the failing test is named')
  t.ok(/value is 40, expected 41/.test(second ?? ''), 'with the log line that explains it')
  t.is(daemon.count(/^ci .* job default submitted/), 2, 'one job for v2')

  daemon.child.kill('SIGTERM')
  t.is(await daemon.exited, 0, 'the daemon stops cleanly')
  ;({ daemon } = await startDaemon())
  await deliverAll(daemon, [...project.v1, ...project.v2])
  t.is(daemon.count(/: ingest: \d+ mails read: 0 new/), 6, 'every mail again, each a duplicate')
  daemon.child.kill('SIGTERM')
  t.is(await daemon.exited, 0)
  t.is(smtp.mails.length, 2, 'still exactly one verdict mail per revision')
  t.is(daemon.count(/^ci .*(: job \S+ submitted|: verdict (pass|fail))/), 0, 'no job and no verdict after the restart')
  runner.child.kill('SIGTERM')
  await runner.exited
})
