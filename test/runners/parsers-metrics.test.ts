import test from 'brittle'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isCairnError } from '../../protocol/errors.js'
import type { CairnCode } from '../../protocol/errors.js'
import { detectKind, parse, parseAuto } from '../../runners/parsers/index.js'
import type { ParserKind } from '../../runners/parsers/index.js'
import { parseRecipeText } from '../../runners/recipe.js'
import { repoRoot } from '../helpers/paths.js'

// fio-3.33-two-jobs.json, cpu-1.0.20.txt and memory-1.0.20.txt are real output of fio 3.33 and
// sysbench 1.0.20 (Debian 12 packages) on this machine; oltp-read-write-1.0.txt is sysbench's
// OLTP report as its documentation shows it (no database here to run it against).
const fixture = (kind: string, name: string): string => readFileSync(join(repoRoot, 'test/fixtures/parsers', kind, name), 'utf8')

function failure (kind: ParserKind, input: string, code: CairnCode): string {
  try {
    parse(kind, input)
  } catch (err) {
    if (isCairnError(err, code)) return err.message
    throw err
  }
  throw new Error('no error')
}

const byName = (metrics: Array<{ name: string }> | undefined): Map<string, unknown> => new Map((metrics ?? []).map((m) => [m.name, m]))

test('fio: per job and direction bw and IOPS (higher), completion latency mean and percentiles (lower); each job a test', (t) => {
  const text = fixture('fio', 'fio-3.33-two-jobs.json')
  t.is(detectKind(text), 'fio')
  const r = parse('fio', text)
  t.alike(r.tests, [{ name: 'seqread', status: 'pass' }, { name: 'randwrite', status: 'pass' }])
  const m = byName(r.metrics)
  t.alike(m.get('seqread/read/bw'), { name: 'seqread/read/bw', value: 409600, unit: 'KiB/s', direction: 'higher' })
  t.alike(m.get('seqread/read/iops'), { name: 'seqread/read/iops', value: 6400, unit: 'IOPS', direction: 'higher' })
  t.alike(m.get('seqread/read/clat_p99'), { name: 'seqread/read/clat_p99', value: 5144576, unit: 'ns', direction: 'lower' })
  t.ok(m.has('seqread/read/clat_mean') && m.has('seqread/read/clat_p50') && m.has('seqread/read/clat_p95') && m.has('seqread/read/clat_p99.9'))
  t.ok(m.has('randwrite/write/bw'), 'the write job reports its write side')
  t.absent(m.has('seqread/write/bw'), 'a direction with no I/O reports nothing')
})

test('fio: two runs in one output give samples; a job with an error fails its test', (t) => {
  const one = fixture('fio', 'fio-3.33-two-jobs.json')
  const failed = one.replace('"error" : 0', '"error" : 5')
  const r = parse('fio', `${one}\n${failed}`)
  t.alike(r.tests.map((x) => [x.name, x.status, x.detail]), [['seqread', 'fail', 'fio error 5'], ['randwrite', 'pass', undefined]])
  const bw = byName(r.metrics).get('seqread/read/bw') as { samples?: number[] }
  t.alike(bw.samples, [409600, 409600])
})

test('fio: bad output is PARSE_FIO naming the line', (t) => {
  t.ok(failure('fio', 'no json here\n', 'PARSE_FIO').includes('--output-format=json'))
  t.ok(failure('fio', 'job: (g=0)\n{\n  "jobs": [ {"jobname": "a", }\n]}\n', 'PARSE_FIO').includes('line 2: not valid JSON'))
  t.ok(failure('fio', 'x\n{"jobs": [\n', 'PARSE_FIO').includes('line 2: the JSON document that starts here never ends'))
  t.ok(failure('fio', '{"fio": 1}\n', 'PARSE_FIO').includes('without "jobs"'))
  t.ok(failure('fio', '{"jobs": [{"jobname": "a", "read": {"total_ios": 3, "bw": "fast"}}]}\n', 'PARSE_FIO').includes('job "a" read: no numeric bw'))
})

test('sysbench: OLTP transactions and queries per second, latency avg and 95th percentile', (t) => {
  const text = fixture('sysbench', 'oltp-read-write-1.0.txt')
  t.is(detectKind(text), 'sysbench')
  const r = parse('sysbench', text)
  t.alike(r.tests, [{ name: 'sysbench', status: 'pass' }])
  t.alike(r.metrics, [
    { name: 'transactions', value: 1195.3, unit: 'tx/s', direction: 'higher' },
    { name: 'queries', value: 23906.02, unit: 'queries/s', direction: 'higher' },
    { name: 'latency_min', value: 2.61, unit: 'ms', direction: 'lower' },
    { name: 'latency_avg', value: 6.69, unit: 'ms', direction: 'lower' },
    { name: 'latency_max', value: 128.35, unit: 'ms', direction: 'lower' },
    { name: 'latency_p95', value: 9.56, unit: 'ms', direction: 'lower' }
  ])
})

test('sysbench: the cpu and memory tests (real output), and repeated reports as samples', (t) => {
  const cpu = fixture('sysbench', 'cpu-1.0.20.txt')
  const m = byName(parse('sysbench', cpu).metrics)
  t.is((m.get('events') as { unit: string }).unit, 'events/s')
  t.ok(m.has('latency_p95'))
  const mem = byName(parseAuto(fixture('sysbench', 'memory-1.0.20.txt')).metrics)
  t.ok(mem.has('operations') && mem.has('transfer'))
  const twice = parse('sysbench', cpu + cpu)
  t.alike(twice.tests.map((x) => x.name), ['sysbench', 'sysbench (2)'])
  t.is((byName(twice.metrics).get('events') as { samples: number[] }).samples.length, 2)
})

test('sysbench: a cut-off report is an error test; no report or a bad number is PARSE_SYSBENCH naming the line', (t) => {
  const cut = fixture('sysbench', 'oltp-read-write-1.0.txt').split('General statistics:')[0] ?? ''
  t.is(parse('sysbench', cut).tests[0]?.status, 'error')
  t.ok(failure('sysbench', 'hello\n', 'PARSE_SYSBENCH').includes('no sysbench report'))
  const bad = 'sysbench 1.0.20\nGeneral statistics:\nLatency (ms):\n         avg:   n/a\n'
  t.ok(failure('sysbench', bad, 'PARSE_SYSBENCH').includes('line 4: latency_avg: "n/a"'))
})

test('metrics: JSON lines and TAP lines with a value; repeated names become samples', (t) => {
  const r = parse('metrics', fixture('metrics', 'mixed.txt'))
  t.alike(r.tests, [
    { name: 'read_bw', status: 'pass' }, { name: 'write_lat', status: 'pass' },
    { name: 'open_close_rate', status: 'fail' }, { name: 'sanity', status: 'pass' }
  ])
  t.alike(r.metrics, [
    { name: 'read_bw', value: 1234.5, unit: 'MB/s', direction: 'higher' },
    { name: 'write_lat', value: 812, unit: 'us', direction: 'lower' },
    { name: 'open_close_rate', value: 91000, unit: 'ops/s', direction: 'higher' },
    { name: 'boot_time', value: 4.2, unit: 's', direction: 'lower' },
    { name: 'rps', value: 952.5, unit: 'req/s', direction: 'higher', samples: [940, 950, 961, 955] }
  ])
  t.is(detectKind('{"metric": "x", "value": 1, "direction": "higher"}\n'), 'metrics')
})

test('metrics: a JSON line\'s min_change is the metric\'s minChange (percent), kept across its samples', (t) => {
  const r = parse('metrics', '{"metric": "t", "value": 61, "unit": "s", "direction": "lower", "min_change": 10}\n{"metric": "t", "value": 63, "unit": "s", "direction": "lower"}\n{"metric": "u", "value": 1, "direction": "higher"}\n')
  t.alike(r.metrics, [
    { name: 't', value: 62, unit: 's', direction: 'lower', samples: [61, 63], minChange: 10 },
    { name: 'u', value: 1, unit: '', direction: 'higher' }
  ])
})

test('metrics: a bad JSON line is PARSE_METRICS naming the line and what is wrong', (t) => {
  const cases: Array<[string, string]> = [
    ['ok 1 - a\n{"metric": "x", "value": 1}\n', 'line 2: "direction" must be "higher" or "lower"'],
    ['{"metric": "x", "value": "1", "direction": "lower"}\n', 'line 1: "value" must be a number'],
    ['{"metric": "x", \n', 'line 1: not a JSON object'],
    ['{"metric": "", "value": 1, "direction": "lower"}\n', 'line 1: "metric" must be a non-empty string'],
    ['{"metric": "x", "value": 1, "direction": "lower", "samples": [1, "2"]}\n', 'line 1: "samples" must be a list of numbers'],
    ['{"metric": "x", "value": 1, "unit": "s", "direction": "lower"}\n{"metric": "x", "value": 1, "unit": "ms", "direction": "lower"}\n', 'line 2: metric "x" is ms (lower is better) here but s (lower) on line 1'],
    ['{"metric": "x", "value": 1, "direction": "lower", "min_change": -1}\n', 'line 1: "min_change" must be a percentage from 0 to 1000000'],
    ['{"metric": "x", "value": 1, "direction": "lower", "min_change": "5%"}\n', 'line 1: "min_change" must be a percentage'],
    ['just logs\n', 'no metric']
  ]
  for (const [input, message] of cases) t.ok(failure('metrics', input, 'PARSE_METRICS').includes(message), message)
})

test('a recipe names the new parsers', (t) => {
  for (const kind of ['fio', 'sysbench', 'metrics']) {
    t.is(parseRecipeText(`{"test": {"run": "x", "parser": "${kind}"}}`, 'r.json').recipe.test[0]?.parser, kind)
  }
})
