import test from 'brittle'
import picomatch from 'picomatch'
import { compileGlob, globWork, GLOB_MAX_LENGTH } from '../../machines/glob.js'
import { pathMatcher } from '../../machines/match.js'
import { isCairnError } from '../../protocol/errors.js'

test('glob: the forms policies and the series filter use match as picomatch did', t => {
  const cases: Array<[string, string, boolean]> = [
    ['fs/**', 'fs', true], ['fs/**', 'fs/a/b', true], ['**/*.c', 'a.c', true], ['**/*.c', 'x/.a.c', true],
    ['fs/*', 'fs/', false], ['*', '.x', true], ['a**b', 'axb', true], ['a**b', 'ax/b', false],
    ['**', 'a/b', true], ['fs/**/x', 'fs/x', true], ['fs/**/x', 'fs/a/b/x', true], ['[ab]', 'a', true], ['[^ab]', 'a', false],
    ['[a-c]x', 'bx', true], ['x?', 'x/', false], ['*', 'a/b', false], ['./a', 'a', true], ['{a,b}/c', 'b/c', true],
    ['{a,b}/c', 'd/c', false], ['fs/xfs/**', 'fs/xfs/xfs_log.c', true], ['**/*.rst', 'Documentation/a/b.rst', true],
    ['drivers/net/**', 'drivers/net', true], ['a\\*', 'a*', true], ['a\\*', 'ab', false]
  ]
  for (const [glob, path, want] of cases) {
    t.is(compileGlob(glob)(path), want, `${glob} ${want ? 'matches' : 'does not match'} ${path}`)
    t.is(picomatch(glob, { dot: true })(path), want, `(picomatch agrees on ${glob} / ${path})`)
  }
  t.ok(pathMatcher('fs/xfs/')('fs/xfs/a/b.c'), "a trailing '/' covers the tree below")
})

test('glob: random globs over a small alphabet agree with picomatch', t => {
  let seed = 7
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
  const pick = (parts: string[], n: number): string => Array.from({ length: n }, () => parts[rand(parts.length)]).join('')
  let disagreements = 0
  for (let i = 0; i < 3000; i++) {
    const glob = pick(['a', 'b', '*', '?', '/', '**/'], 1 + rand(6)).replace(/\/\/+/g, '/').replace(/^\//, '')
    const path = pick(['a', 'b', '/', '.'], 1 + rand(7)).replace(/\/\/+/g, '/').replace(/^\/|\/$/g, '')
    if (glob === '' || path === '' || glob.endsWith('/')) continue
    // Paths from diffs never have empty segments, dot segments or a leading ./
    if (path.split('/').some((s) => s === '' || s === '.' || s === '..')) continue
    // Deliberate: `a*/**` matches the directories a* themselves, as `fs/**` matches fs (picomatch only does the latter).
    if (/\*[^/]*\/\*\*$/.test(glob) && path.split('/').length === glob.split('/').length - 1) continue
    if (compileGlob(glob)(path) !== picomatch(glob, { dot: true })(path)) {
      disagreements++
      t.comment(`${glob} on ${path}: ours ${String(compileGlob(glob)(path))}`)
    }
  }
  t.is(disagreements, 0)
})

test('glob: a starry pattern on a long name costs at most (pattern x path) comparisons, not exponential time', t => {
  const name = 'a'.repeat(90)
  for (const stars of [6, 12, 24]) {
    const glob = '*a'.repeat(stars) + '*b'
    globWork.steps = 0
    t.absent(pathMatcher(glob)(`fs/${name}.c`))
    t.ok(globWork.steps <= (glob.length + 1) * (name.length + 8), `${stars} stars: ${globWork.steps} comparisons`)
  }
})

test('glob: malformed or oversized globs are GLOB errors naming the problem', t => {
  const code = (glob: string): string => {
    try {
      compileGlob(glob)
      return 'accepted'
    } catch (err) {
      return isCairnError(err) ? err.message : String(err)
    }
  }
  t.ok(code('fs/[ab').startsWith('GLOB: glob fs/[ab: "[" opens a character class'))
  t.ok(code('x'.repeat(GLOB_MAX_LENGTH + 1)).includes(`at most ${GLOB_MAX_LENGTH}`))
  t.ok(code('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}').includes('more than 64 alternatives'))
})
