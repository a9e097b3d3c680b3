import test from 'brittle'
import type { TestInstance } from 'brittle'
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { patchId, pathsFromDiff } from '../../machines/diff.js'

const hasGit = spawnSync('git', ['--version']).status === 0
const ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', TZ: 'UTC' }

/** A throwaway repository driven by the real git. */
async function repo (t: TestInstance) {
  const dir = await t.tmp()
  const git = (...args: string[]): string => execFileSync('git', ['-C', dir, '-c', 'user.name=Test', '-c', 'user.email=test@example.org', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8', env: ENV })
  const write = (path: string, content: string | Buffer): void => {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  git('init', '-q', '-b', 'main')
  return { dir, git, write }
}

/** What `git patch-id --stable` prints for a diff (the patch-id column), null when it prints nothing. */
function gitPatchId (diff: string): string | null {
  const out = execFileSync('git', ['patch-id', '--stable'], { input: diff, encoding: 'utf8', env: ENV }).trim()
  return out === '' ? null : out.split(' ')[0] ?? null
}

const lines = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i) + '\n').join('')

test('patchId() matches git patch-id --stable on real diffs', { skip: !hasGit }, async t => {
  const { dir, git, write } = await repo(t)
  write('fs/xfs/xfs_log.c', lines(40, (i) => `int log_${i};`))
  write('fs/xfs/old name.c', lines(10, (i) => `static int r${i};`))
  write('fs/ext4/gone.c', 'int gone;\n')
  write('scripts/run.sh', '#!/bin/sh\necho hi\n')
  write('firmware.bin', Buffer.from([0, 1, 2, 3, 255]))
  git('add', '-A')
  git('commit', '-qm', 'base')
  write('fs/xfs/xfs_log.c', lines(40, (i) => i === 3 ? '\tint  log_3 = 1 ;' : i === 30 ? 'int log_thirty;' : `int log_${i};`) + 'int tail;')
  rmSync(join(dir, 'fs/ext4/gone.c'))
  git('mv', 'fs/xfs/old name.c', 'fs/xfs/new name.c')
  write('fs/xfs/new name.c', lines(10, (i) => i === 9 ? 'static int r9 = 9;' : `static int r${i};`))
  write('fs/xfs/caf\u00e9.c', '-- not a header\n')
  chmodSync(join(dir, 'scripts/run.sh'), 0o755)
  write('firmware.bin', Buffer.from([0, 1, 2, 4, 255]))
  git('add', '-A')
  git('commit', '-qm', 'change things\n\nSigned-off-by: Test <test@example.org>')
  const diffs: Record<string, string> = {
    'git show': git('show', 'HEAD'),
    'git show -M': git('show', '-M', 'HEAD'),
    'git format-patch': git('format-patch', '-1', '--stdout', 'HEAD'),
    'git show --binary': git('show', '--binary', 'HEAD'),
    'git diff -U1': git('diff', '-U1', 'HEAD~1', 'HEAD'),
    'git diff -U0': git('diff', '-U0', 'HEAD~1', 'HEAD'),
    'git diff, one file': git('diff', 'HEAD~1', 'HEAD', '--', 'fs/xfs/xfs_log.c'),
    'git log -p -1': git('log', '-p', '-1', 'HEAD')
  }
  for (const [name, diff] of Object.entries(diffs)) {
    const want = gitPatchId(diff)
    t.ok(want !== null, `${name}: git gives an id`)
    t.is(patchId(diff), want, name)
  }
  // --stable: the order of files does not matter (for text diffs: git hashes a mode-only or binary
  // entry together with the file after it, and patchId() does exactly the same).
  const full = git('diff', '-U1', 'HEAD~1', 'HEAD', '--', 'fs/xfs/xfs_log.c', 'fs/ext4/gone.c', 'fs/xfs/caf\u00e9.c')
  const files = full.split(/(?=^diff --git )/m)
  const reordered = [...files].reverse().join('')
  t.is(patchId(reordered), gitPatchId(reordered), 'reordered files: same as git')
  t.is(patchId(reordered), patchId(full), 'reordered files: same id')
  t.is(patchId('no diff here\n'), null)
  t.is(gitPatchId('no diff here\n'), null)
})

test('patchId() ignores whitespace and line numbers: a rebased patch keeps its id', { skip: !hasGit }, async t => {
  const { git, write } = await repo(t)
  write('a.c', lines(30, (i) => `int a${i};`))
  git('add', '-A')
  git('commit', '-qm', 'base')
  git('checkout', '-qb', 'topic')
  write('a.c', lines(30, (i) => i === 20 ? 'int a20 = 20;' : `int a${i};`))
  git('commit', '-qam', 'topic change')
  const before = git('show', 'HEAD')
  git('checkout', '-q', 'main')
  write('a.c', lines(5, (i) => `int new${i};`) + lines(30, (i) => `int a${i};`))
  git('commit', '-qam', 'upstream moves lines')
  git('cherry-pick', 'topic')
  const after = git('show', 'HEAD')
  t.not(before, after, 'the hunk moved')
  t.is(patchId(after), patchId(before))
  t.is(patchId(after), gitPatchId(after))
  const spaced = before.replace('int a20 = 20;', 'int  a20  =  20 ;')
  t.is(patchId(spaced), patchId(before), 'whitespace does not count')
  t.is(patchId(spaced), gitPatchId(spaced))
  t.not(patchId(before.replace('= 20;', '= 21;')), patchId(before), 'content does')
})

test('pathsFromDiff() names every touched path', { skip: !hasGit }, async t => {
  const { dir, git, write } = await repo(t)
  write('fs/xfs/old name.c', lines(10, (i) => `static int r${i};`))
  write('gone.c', '-- x\n')
  write('run.sh', 'echo\n')
  write('blob.bin', Buffer.from([0, 1]))
  git('add', '-A')
  git('commit', '-qm', 'base')
  git('mv', 'fs/xfs/old name.c', 'fs/xfs/new name.c')
  rmSync(join(dir, 'gone.c'))
  chmodSync(join(dir, 'run.sh'), 0o755)
  write('blob.bin', Buffer.from([0, 2]))
  write('fs/caf\u00e9.c', '--- a/not/a/path.c\n+++ b/neither.c\n')
  git('add', '-A')
  git('commit', '-qm', 'change')
  const want = ['blob.bin', 'fs/caf\u00e9.c', 'fs/xfs/new name.c', 'fs/xfs/old name.c', 'gone.c', 'run.sh']
  t.alike(pathsFromDiff(git('show', '-M', 'HEAD')), want, 'renames, deletions, mode changes, binary, quoted names')
  t.alike(pathsFromDiff(git('format-patch', '-1', '--stdout', '--no-renames', 'HEAD')), want)
  t.alike(pathsFromDiff(Buffer.from(git('show', 'HEAD'))), want, 'bytes work too')
})

test('pathsFromDiff() reads a plain unified diff', t => {
  const diff = '--- linux.orig/fs/xfs/xfs_log.c\t2025-01-01 00:00:00\n+++ linux/fs/xfs/xfs_log.c\t2025-01-02 00:00:00\n@@ -1 +1 @@\n-a\n+b\n'
  t.alike(pathsFromDiff(diff), ['linux.orig/fs/xfs/xfs_log.c', 'linux/fs/xfs/xfs_log.c'])
  t.alike(pathsFromDiff('diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n--- a/y.c\n+++ b/z.c\n'), ['x.c'], 'hunk lines are never names')
})
