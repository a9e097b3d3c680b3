// `cairn mail verdict`: a plain-text reply threaded to the series with the CI
// verdict from the result events of its jobs, appended to an mbox and sent
// to a real SMTP server on 127.0.0.1 (smtp-server), read back as mail.
import test from 'brittle'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { mailinfo } from '../../bridges/email/parse/mailinfo.js'
import { splitMbox } from '../../bridges/email/parse/mbox.js'
import { verdictMail } from '../../bridges/email/verdict/verdict.js'
import { CairnNode } from '../../node/node.js'
import { createNode } from '../helpers/nodes.js'
import { cairn } from '../helpers/cli.js'
import { repoRoot } from '../helpers/paths.js'
import { DIFF, ingestSource, mailsOf, rawMail } from './ingest-fixture.js'

const LOG = 'building...\nCC fs/a.o\nrunning tests\nok 1 - generic/001\nnot ok 2 - generic/002\n  output mismatch: expected 4, got 5\nok 3 - generic/003\ndone\n'

/** A home with two series: `c1@x` (one run passed, one failed) and `d1@x` (passed), and `e1@x` (not tested). */
async function fill (home: string): Promise<void> {
  const node = await CairnNode.init(home, 'maintainer')
  try {
    await node.post('identity.link', { feed: node.feedKey, name: 'CI Bot', emails: ['ci@example.org'] })
    await ingestSource(node, mailsOf(
      rawMail({ id: 'c1@x', subject: '[PATCH 0/2] demo: tidy', body: 'Two patches.\n' }),
      rawMail({ id: 'p1@x', irt: 'c1@x', subject: '[PATCH 1/2] demo: one', body: 'One.\n' + DIFF('a.c', 'a', 'b') }),
      rawMail({ id: 'p2@x', irt: 'c1@x', subject: '[PATCH 2/2] demo: two', body: 'Two.\n' + DIFF('b.c', 'a', 'b') }),
      rawMail({ id: 'd1@x', from: 'Zoë Dev <zoe@example.org>', subject: '[PATCH v2] net: faster', body: 'Speed.\n' + DIFF('net/c.c', 'x', 'y') }),
      rawMail({ id: 'e1@x', subject: '[PATCH] untested', body: 'Nothing ran.\n' + DIFF('x.c', 'x', 'y') })
    ), { list: 'demo@lists.example.org' })
    const revision = (ref: string): string => {
      const e = (node.views.ofType('series.revision')).find((x) => x.type === 'series.revision' && x.body.series === ref)
      if (e === undefined) throw new Error(`no revision ${ref}`)
      return e.id
    }
    const job = async (rev: string, profile: string): Promise<string> => (await node.post('job.request', { project: 'demo', repo: '/srv/demo.git', base: 'a'.repeat(40), revision: rev, recipe: {}, profile, tags: [], priority: 0 }, [rev])).id
    const log = await node.blobs.put(Buffer.from(LOG))
    const env = { kernel: '6.13' }
    const j1 = await job(revision('c1@x'), 'quick')
    const j2 = await job(revision('c1@x'), 'full')
    const j3 = await job(revision('d1@x'), 'quick')
    await node.post('result', { job: j1, build: 'b1', testRun: 't1', verdict: 'pass', tests: [{ name: 'generic/001', status: 'pass' }], logs: [], environment: env }, [j1])
    await node.post('result', {
      job: j2, build: 'b1', testRun: 't2', verdict: 'fail', environment: env, logs: [{ name: 'tap.log', blob: log }],
      tests: [{ name: 'generic/001', status: 'pass' }, { name: 'generic/002', status: 'fail', detail: 'output mismatch (see 002.out.bad)' }, { name: 'generic/003', status: 'pass' }]
    }, [j2])
    await node.post('result', { job: j3, build: 'b2', testRun: 't3', verdict: 'pass', tests: [{ name: 'net/1', status: 'pass' }], logs: [], environment: env }, [j3])
  } finally {
    await node.close()
  }
}

/** cairn without blocking this process (the SMTP server lives here). */
async function cairnAsync (home: string, ...args: string[]): Promise<{ status: number, stdout: string, stderr: string }> {
  const argv = import.meta.url.endsWith('.ts') ? ['--import', 'tsx', join(repoRoot, 'node', 'cli', 'main.ts')] : [join(repoRoot, 'dist', 'node', 'cli', 'main.js')]
  const child = spawn(process.execPath, [...argv, '--home', home, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const status = await new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)))
  return { status, stdout, stderr }
}

test('mail verdict --to-mbox: threaded to the cover, failures with their log lines; a passing series says CI passed', { timeout: 90_000 }, async (t) => {
  const home = await t.tmp()
  await fill(home)
  const mbox = join(home, 'out.mbox')
  const r = cairn(home, 'mail', 'verdict', 'p2@x', '--to-mbox', mbox)
  t.is(r.status, 0, r.stderr)
  const r2 = cairn(home, 'mail', 'verdict', 'd1@x', '--to-mbox', mbox)
  t.is(r2.status, 0, r2.stderr)
  const mails = splitMbox(readFileSync(mbox), { mboxrd: true })
  t.is(mails.length, 2, 'two mails appended')
  const fail = mailinfo(mails[0] as Buffer)
  const head = (name: string): string => fail.headers.find(([n]) => n === name)?.[1] ?? ''
  t.is(fail.inReplyTo, 'c1@x', 'In-Reply-To the cover letter')
  t.alike(fail.references, ['c1@x'])
  t.is(fail.rawSubject, 'Re: [PATCH 0/2] demo: tidy')
  t.is(head('to'), 'Dev One <dev@example.org>')
  t.is(head('cc'), 'demo@lists.example.org', 'Cc the list')
  t.is(head('from'), 'CI Bot <ci@example.org>', 'from the identity this node published')
  const body = fail.message
  t.ok(body.includes('PASS  quick on CI Bot: pass, 1 test: 1 pass') && body.includes('FAIL  full on CI Bot: fail, 3 tests: 2 pass, 1 fail'), 'one line per run')
  t.ok(body.includes('generic/002: fail') && body.includes('output mismatch (see 002.out.bad)'), 'the failing test with its detail')
  t.ok(body.includes('log tap.log:') && body.includes('not ok 2 - generic/002') && !body.includes('CC fs/a.o'), 'the relevant log lines, not the whole log')
  t.ok(body.includes('Sorry, 1 of 2 test runs failed.'))
  const pass = mailinfo(mails[1] as Buffer)
  t.is(pass.rawSubject, 'Re: [PATCH v2] net: faster')
  t.is(pass.inReplyTo, 'd1@x')
  t.ok(pass.message.includes('CI passed.') && !pass.message.includes('FAIL'), pass.message)
  t.is(pass.author.name, 'CI Bot')
  t.ok(pass.headers.some(([n, v]) => n === 'to' && v === 'Zoë Dev <zoe@example.org>'), 'a non-ASCII name travels RFC 2047-encoded and decodes back')

  const none = cairn(home, 'mail', 'verdict', 'e1@x')
  t.is(none.status, 4, 'no result yet: exit 4 (not found)')
  t.ok(none.stderr.includes('NO_RESULTS') && none.stderr.includes('cairn job submit'), none.stderr)
  const printed = cairn(home, 'mail', 'verdict', 'd1@x')
  t.ok(printed.stdout.startsWith('From: CI Bot <ci@example.org>\n'), 'without a destination the mail is printed')
})

test('mail verdict --smtp: delivered to a real SMTP server on 127.0.0.1', { timeout: 90_000 }, async (t) => {
  const home = await t.tmp()
  await fill(home)
  const received: Array<{ from: string, to: string[], data: string }> = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData (stream, session, done) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address
        received.push({ from, to: session.envelope.rcptTo.map((a) => a.address), data: Buffer.concat(chunks).toString('utf8') })
        done()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const port = (server.server.address() as AddressInfo).port
  const r = await cairnAsync(home, 'mail', 'verdict', 'c1@x', '--smtp', `127.0.0.1:${port}`)
  t.is(r.status, 0, r.stderr)
  t.ok(r.stdout.includes('sent fail verdict') && r.stdout.includes('in reply to <c1@x>'), r.stdout)
  t.is(received.length, 1)
  t.is(received[0]?.from, 'ci@example.org')
  t.alike(received[0]?.to, ['dev@example.org', 'demo@lists.example.org'], 'the author and the list')
  const mail = mailinfo(Buffer.from(received[0]?.data ?? ''))
  t.is(mail.inReplyTo, 'c1@x')
  t.ok(mail.message.includes('generic/002: fail'))
  const down = await cairnAsync(home, 'mail', 'verdict', 'c1@x', '--smtp', '127.0.0.1:1')
  t.ok(down.status === 1 && down.stderr.includes('SMTP'), down.stderr)
})

test('verdict mail: a run that failed with no tests (the patch did not apply) is a FAIL naming why; an aborted run before it does not count', async (t) => {
  const { node } = await createNode(t, 'maintainer')
  await ingestSource(node, mailsOf(rawMail({ id: 'f1@x', subject: '[PATCH] demo: stale', body: 'Old base.\n' + DIFF('a.c', 'a', 'b') })))
  const rev = (node.views.ofType('series.revision'))[0]?.id as string
  const job = (await node.post('job.request', { project: 'demo', repo: '/srv/demo.git', base: 'a'.repeat(40), revision: rev, recipe: {}, profile: 'quick', tags: [], priority: 0 }, [rev])).id
  const result = async (verdict: 'aborted' | 'apply-failed', message: string): Promise<void> => {
    await node.post('result', { job, build: '', testRun: '', verdict, tests: [], logs: [], environment: {}, message }, [job])
  }
  await result('apply-failed', 'error: patch failed: a.c:1\nerror: a.c: patch does not apply')
  await result('aborted', 'the runner stopped without finishing this job')
  await node.indexer.run()
  const mail = await verdictMail(node, rev)
  t.is(mail.passed, false)
  t.ok(mail.text.includes('FAIL  quick on'), 'the run is a failure')
  t.ok(mail.text.includes('apply-failed, 0 tests'), 'with its verdict and no tests')
  t.ok(mail.text.includes('    error: a.c: patch does not apply'), 'quoting why')
  t.absent(mail.text.includes('the runner stopped'), 'the later aborted run is not the verdict')
})

test('verdict mail: a job cancelled before a result is named as not tested, and the mail does not say passed', async (t) => {
  const { node } = await createNode(t, 'maintainer')
  await ingestSource(node, mailsOf(rawMail({ id: 'k1@x', subject: '[PATCH] demo: change', body: 'A change.\n' + DIFF('a.c', 'a', 'b') })))
  const rev = (node.views.ofType('series.revision'))[0]?.id as string
  const request = async (profile: string): Promise<string> => (await node.post('job.request', { project: 'demo', repo: '/srv/demo.git', base: 'a'.repeat(40), revision: rev, recipe: {}, profile, tags: [], priority: 0 }, [rev])).id
  const quick = await request('quick')
  const full = await request('full')
  await node.post('result', { job: quick, build: 'b', testRun: 'r', verdict: 'pass', tests: [{ name: 't1', status: 'pass' }], logs: [], environment: {} }, [quick])
  await node.post('job.progress', { job: full, step: 'cancel', state: 'cancelled' }, [full])
  await node.indexer.run()
  const mail = await verdictMail(node, rev)
  t.is(mail.passed, false, 'not a pass: one run never happened')
  t.ok(mail.text.includes('cairn CI was CANCELLED for v1'), 'the first line says so')
  t.ok(mail.text.includes('PASS  quick on'), 'the run that ran is reported')
  t.ok(mail.text.includes(`CANCELLED  full: job ${full.slice(0, 12)} was cancelled before it ran to a result; not tested`), 'the cancelled job is named')
  t.ok(mail.text.includes('1 of 2 test runs was cancelled: this revision is not fully tested.'), 'and summed up')
  t.absent(mail.text.includes('CI passed.'), 'never "CI passed"')
})
