import test from 'brittle'
import { readFileSync } from 'node:fs'
import { normaliseRecipe, parseRecipeText, recipeIdentityParts } from '../../runners/recipe.js'
import { parseDuration } from '../../runners/duration.js'
import { fixture } from './fixture.js'

const code = (fn: () => unknown): string => {
  try { fn(); return 'no error' } catch (err) { return (err as Error).message }
}

test('parseRecipeText() reads the smallest recipe, JSON, with defaults', (t) => {
  const { recipe, raw } = parseRecipeText(readFileSync(fixture('recipe.json'), 'utf8'), 'recipe.json')
  t.alike(raw, { test: { run: 'sh t.sh', parser: 'tap' } })
  t.alike(recipe, {
    build: [],
    test: [{ name: 'test', run: 'sh t.sh', timeoutMs: 30 * 60_000, parser: 'tap', output: null }],
    timeoutMs: 30 * 60_000,
    artifacts: [],
    env: {},
    probe: {}
  })
})

test('parseRecipeText() reads build steps, timeouts, artifacts, env and probes from YAML', (t) => {
  const text = [
    'timeout: 20m',
    'build:',
    '  - make defconfig',
    '  - name: kernel',
    '    run: make -j8',
    '    timeout: 1h30m',
    'test:',
    '  - run: ./kselftest.sh',
    '    parser: kselftest',
    '  - name: xfs',
    '    run: ./check -g quick',
    '    parser: fstests',
    '    output: results',
    '    timeout: 90',
    'artifacts: [vmlinux, "results/**/*.full"]',
    'env: { ARCH: x86_64, JOBS: 8 }',
    'probe: { cc: gcc -dumpfullversion }'
  ].join('\n')
  const { recipe } = parseRecipeText(text, 'r.yaml')
  t.alike(recipe.build, [
    { name: 'build-1', run: 'make defconfig', timeoutMs: 20 * 60_000 },
    { name: 'kernel', run: 'make -j8', timeoutMs: 90 * 60_000 }
  ])
  t.alike(recipe.test, [
    { name: 'test-1', run: './kselftest.sh', timeoutMs: 20 * 60_000, parser: 'kselftest', output: null },
    { name: 'xfs', run: './check -g quick', timeoutMs: 90_000, parser: 'fstests', output: 'results' }
  ])
  t.alike(recipe.artifacts, ['vmlinux', 'results/**/*.full'])
  t.alike(recipe.env, { ARCH: 'x86_64', JOBS: '8' })
  t.alike(recipe.probe, { cc: 'gcc -dumpfullversion' })
  t.alike(recipeIdentityParts(recipe).test[1], { name: 'xfs', run: './check -g quick', timeoutMs: 90_000, parser: 'fstests', output: 'results' }, 'identity parts are plain integers and strings')
})

test('parseRecipeText() errors name the file, line, column and key', (t) => {
  t.is(code(() => parseRecipeText(readFileSync(fixture('bad-parser.yaml'), 'utf8'), 'bad-parser.yaml')),
    'RECIPE: bad-parser.yaml:4:11: test.parser: unknown parser "tapp"; expected one of tap, kselftest, junit, fstests, fio, sysbench, metrics, auto')
  t.ok(/^RECIPE: bad-syntax\.yaml:\d+:\d+: /.test(code(() => parseRecipeText(readFileSync(fixture('bad-syntax.yaml'), 'utf8'), 'bad-syntax.yaml'))), 'YAML syntax errors carry a position')
  const cases: Array<[string, RegExp]> = [
    ['test:\n  run: x\n  parsr: tap\n', /^RECIPE: r:3:3: test\.parsr: unknown key; expected one of name, run, timeout, parser, output$/],
    ['build: make\n', /^RECIPE: r:1:1: missing "test"/],
    ['test: []\n', /^RECIPE: r:1:7: test: needs at least one step/],
    ['timeout: soon\ntest: x\n', /^RECIPE: r:1:10: timeout: "soon" is not a duration/],
    ['test: {run: x, output: /etc/passwd}\n', /^RECIPE: r:1:24: test\.output: "\/etc\/passwd" must be a path inside the tree/],
    ['test: x\nenv: {"A B": 1}\n', /^RECIPE: r:2:7: env\.A B: not a valid environment variable name/],
    ['test: [{run: a, name: t}, {run: b, name: t}]\n', /two steps are named "t"/],
    ['test: x\ntest: y\n', /^RECIPE: r:2:1: Map keys must be unique/],
    ['[1, 2]\n', /^RECIPE: r:1:1: a recipe is a mapping/],
    ['', /^RECIPE: r: a recipe is a mapping/]
  ]
  for (const [text, want] of cases) {
    const got = code(() => parseRecipeText(text, 'r'))
    t.ok(want.test(got), got)
  }
})

test('normaliseRecipe() checks a job\'s recipe value and names the key path', (t) => {
  t.is(normaliseRecipe({ test: 'sh t.sh' }).test[0]?.parser, 'auto', 'a bare command is a test step read by detection')
  t.is(code(() => normaliseRecipe({ test: { run: 'x', parser: 'nah' } }, 'recipe of job 1')), 'RECIPE: recipe of job 1: test.parser: unknown parser "nah"; expected one of tap, kselftest, junit, fstests, fio, sysbench, metrics, auto')
  t.is(code(() => normaliseRecipe({})), 'RECIPE: recipe: missing "test": what to run and which parser reads its output')
})

test('parseDuration() reads 90s, 10m, 1h30m, 500ms and bare seconds', (t) => {
  t.is(parseDuration('90s', 'x'), 90_000)
  t.is(parseDuration('10m', 'x'), 600_000)
  t.is(parseDuration('1h30m', 'x'), 5_400_000)
  t.is(parseDuration('500ms', 'x'), 500)
  t.is(parseDuration(2, 'x'), 2000)
  t.is(parseDuration('3', 'x'), 3000)
  for (const bad of ['', '10', '-1s', '1x', '10m ago', 0] as unknown[]) {
    if (bad === '10') continue
    t.ok(/^BAD_DURATION: /.test(code(() => parseDuration(bad, '--lease'))), `${JSON.stringify(bad)} is refused`)
  }
})
