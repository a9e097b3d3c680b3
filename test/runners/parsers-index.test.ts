import test from 'brittle'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { isCairnError } from '../../protocol/errors.js'
import { detectKind, parse, parseAuto } from '../../runners/parsers/index.js'
import type { ParserKind } from '../../runners/parsers/index.js'
import { repoRoot } from '../helpers/paths.js'

const base = join(repoRoot, 'test/fixtures/parsers')
const read = (...p: string[]): Buffer => readFileSync(join(base, ...p))

test('detectKind() recognises each fixture family', t => {
  const cases: Array<[string, string, ParserKind]> = [
    ['tap', 'test-more.tap', 'tap'],
    ['tap', 'node-test.tap', 'tap'],
    ['tap', 'tape.tap', 'tap'],
    ['tap', 'plan-at-end.tap', 'tap'],
    ['kselftest', 'net-runner.txt', 'kselftest'],
    ['kselftest', 'run-kselftest-collections.txt', 'kselftest'],
    ['kselftest', 'kunit.ktap', 'kselftest'],
    ['kselftest', 'kunit-dmesg.txt', 'kselftest'],
    ['kselftest', 'arm64-sve.txt', 'kselftest'],
    ['junit', 'pytest.xml', 'junit'],
    ['junit', 'surefire.xml', 'junit'],
    ['junit', 'nested.xml', 'junit'],
    ['junit', 'googletest.xml', 'junit'],
    ['fstests', 'check-xfs.txt', 'fstests'],
    ['fstests', 'check-timestamps.txt', 'fstests'],
    ['fstests', 'check-sections.txt', 'fstests'],
    ['fstests', 'check.log', 'fstests']
  ]
  for (const [dir, file, kind] of cases) t.is(detectKind(read(dir, file)), kind, `${dir}/${file}`)
  t.is(detectKind(read('tap', 'garbage.txt')), undefined)
  t.is(detectKind(''), undefined)
})

test('parse() dispatches by kind and agrees with parseAuto()', t => {
  const text = read('tap', 'test-more.tap')
  const r = parse('tap', text)
  t.is(r.tests.length, 7)
  const auto = parseAuto(text)
  t.is(auto.kind, 'tap')
  t.alike(auto.tests, r.tests)
  t.is(parse('fstests', read('fstests', 'check-xfs.txt')).tests.length, 11)
  t.is(parse('junit', read('junit', 'pytest.xml')).tests.length, 6)
  t.is(parse('kselftest', read('kselftest', 'arm64-sve.txt')).tests.length, 7)
})

test('parse() throws PARSE_KIND for an unknown kind and parseAuto() PARSE_UNKNOWN for unknown input', t => {
  for (const kind of ['xml', '__proto__', 'toString']) {
    try {
      parse(kind as ParserKind, 'ok 1')
      t.fail('no error')
    } catch (err) {
      t.ok(isCairnError(err, 'PARSE_KIND'), (err as Error).message)
    }
  }
  try {
    parseAuto(read('tap', 'garbage.txt'))
    t.fail('no error')
  } catch (err) {
    t.ok(isCairnError(err, 'PARSE_UNKNOWN'))
  }
})

test('every fixture parses with its own parser or fails with that parser\'s CairnError, and names are unique', t => {
  const kinds: ParserKind[] = ['tap', 'kselftest', 'junit', 'fstests']
  let files = 0
  for (const kind of kinds) {
    for (const name of readdirSync(join(base, kind))) {
      if (!statSync(join(base, kind, name)).isFile()) continue
      files++
      try {
        const r = parse(kind, read(kind, name))
        t.is(new Set(r.tests.map(x => x.name)).size, r.tests.length, `${kind}/${name}: unique names`)
        t.ok(r.tests.every(x => x.duration === undefined || (Number.isInteger(x.duration) && x.duration >= 0)), `${kind}/${name}: integer ms`)
        t.ok(r.tests.every(x => x.status !== 'pass' || x.detail === undefined), `${kind}/${name}: no detail on passes`)
      } catch (err) {
        t.ok(isCairnError(err, `PARSE_${kind.toUpperCase()}` as `PARSE_${Uppercase<typeof kind>}`), `${kind}/${name}: ${(err as Error).message}`)
      }
    }
  }
  t.ok(files >= 30, `${files} fixture files`)
})
