import test from 'brittle'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { isCairnError } from '../../protocol/errors.js'
import { openEvent, signEvent, validateDraft } from '../../protocol/event.js'
import { compareMetrics, mannWhitneyP } from '../../protocol/metrics.js'
import type { Metric } from '../../protocol/metrics.js'
import { pack, unpackExact } from '../../protocol/codec.js'
import { GOLDEN_DRAFTS, GOLDEN_SEED } from './drafts.js'

const keyPair = nativeCrypto.keyPair(GOLDEN_SEED)
const M = (name: string, value: number, samples?: number[], direction: Metric['direction'] = 'higher', unit = 'MB/s'): Metric =>
  samples === undefined ? { name, value, unit, direction } : { name, value, unit, direction, samples }

test('a result with metrics signs and opens; changing a metric breaks the signature', (t) => {
  const draft = { ...GOLDEN_DRAFTS.result, body: { ...GOLDEN_DRAFTS.result.body, metrics: [M('fio/read/bw', 1234.5, [1230, 1234.5, 1239]), M('fio/read/lat_p99', 812, undefined, 'lower', 'us')] } }
  const { signed } = signEvent(draft, keyPair, nativeCrypto)
  const opened = openEvent(signed, nativeCrypto)
  t.alike((opened.body as typeof draft.body).metrics, draft.body.metrics, 'metrics read back exactly')

  const payload = unpackExact(signed.payload, 'payload') as { body: { metrics: Metric[] } }
  const first = payload.body.metrics[0]
  if (first !== undefined) first.value = 9999
  try {
    openEvent({ payload: pack(payload), sig: signed.sig }, nativeCrypto)
    t.fail('a changed metric opened')
  } catch (err) {
    t.ok(isCairnError(err, 'INVALID_SIGNATURE'), 'INVALID_SIGNATURE')
  }
})

test('a result without metrics (the golden one) still validates', (t) => {
  t.execution(() => validateDraft('result', GOLDEN_DRAFTS.result.body, []))
})

test('a metric with a bad direction, no name or a NaN value is SCHEMA naming the field', (t) => {
  const body = (m: unknown): unknown => ({ ...GOLDEN_DRAFTS.result.body, metrics: [m] })
  const cases: Array<[unknown, string]> = [
    [{ name: 'x', value: 1, unit: 'ms', direction: 'up' }, 'metrics.0.direction'],
    [{ name: '', value: 1, unit: 'ms', direction: 'lower' }, 'metrics.0.name'],
    [{ name: 'x', value: Number.NaN, unit: 'ms', direction: 'lower' }, 'metrics.0.value']
  ]
  for (const [m, where] of cases) {
    try {
      validateDraft('result', body(m) as typeof GOLDEN_DRAFTS.result.body, [])
      t.fail(`accepted ${JSON.stringify(m)}`)
    } catch (err) {
      t.ok(isCairnError(err, 'SCHEMA') && (err as Error).message.includes(where), (err as Error).message)
    }
  }
})

test('mannWhitneyP() separates shifted samples and not equal ones', (t) => {
  t.ok(mannWhitneyP([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]) < 0.05, 'disjoint samples')
  t.ok(mannWhitneyP([1, 3, 5, 7, 9], [2, 4, 6, 8, 10]) > 0.5, 'interleaved samples')
  t.is(mannWhitneyP([5, 5, 5, 5, 5], [5, 5, 5, 5, 5]), 1, 'all equal')
})

test('compareMetrics(): a shift beyond the spread in the wrong direction is a regression, with its size', (t) => {
  const a = { metrics: [M('bw', 100, [98, 100, 102]), M('lat', 10, [9, 10, 11], 'lower', 'ms'), M('gone', 1)] }
  const b = { metrics: [M('bw', 80, [79, 80, 81]), M('lat', 10.5, [10, 10.5, 11], 'lower', 'ms'), M('added', 2)] }
  const c = compareMetrics(a, b)
  const bw = c.changes.find((x) => x.name === 'bw')
  t.is(bw?.kind, 'regression')
  t.is(bw?.delta, -20)
  t.is(bw?.pct, -20)
  t.alike(bw?.spread, { min: 98, max: 102, n: 3 })
  t.is(c.changes.find((x) => x.name === 'lat')?.kind, 'noise', 'within the baseline spread')
  t.alike(c.new.map((m) => m.name), ['added'])
  t.alike(c.removed.map((m) => m.name), ['gone'])
  t.alike(c.counts, { regressions: 1, improvements: 0, noise: 1, new: 1, removed: 1 })
})

test('compareMetrics(): lower-is-better falling is an improvement; the rank test overrules a shift inside the noise', (t) => {
  const c = compareMetrics({ metrics: [M('lat', 10, [10, 10.1, 9.9], 'lower', 'ms')] }, { metrics: [M('lat', 5, [5, 5.1, 4.9], 'lower', 'ms')] })
  t.is(c.changes[0]?.kind, 'improvement')
  // Five samples a side that overlap: B's value is past A's max, but the rank test sees no shift.
  const mixed = compareMetrics({ metrics: [M('bw', 100, [90, 95, 100, 105, 110])] }, { metrics: [M('bw', 89, [89, 94, 101, 104, 111])] })
  t.is(mixed.changes[0]?.kind, 'noise')
  t.ok((mixed.changes[0]?.p ?? 0) > 0.05)
})

test('compareMetrics(): a repeated baseline run is within the noise of its identity', (t) => {
  const run1 = [M('bw', 100)]
  const run2 = [M('bw', 93)]
  const run3 = [M('bw', 107)]
  // Compared alone, one sample each: a change past the 5% floor is beyond a spread of zero.
  t.is(compareMetrics({ metrics: run1 }, { metrics: run3 }).changes[0]?.kind, 'improvement')
  // With the identity's repeats (run3 among them, being one), it is noise.
  const c = compareMetrics({ metrics: run1, repeats: [run2, run3] }, { metrics: run3 })
  t.is(c.changes[0]?.kind, 'noise')
  t.alike(c.changes[0]?.spread, { min: 93, max: 107, n: 3 })
})

test('compareMetrics(): a unit that changed is not compared as a regression', (t) => {
  const c = compareMetrics({ metrics: [M('bw', 100)] }, { metrics: [M('bw', 1, undefined, 'higher', 'GB/s')] })
  t.is(c.changes[0]?.kind, 'unit-changed')
  t.is(c.counts.regressions, 0)
})

test('compareMetrics(): one run against one, jitter below the 5% floor is noise; a known shift is a regression with its size', (t) => {
  const base = [M('bw', 1000), M('lat', 200, undefined, 'lower', 'us')]
  const repeat = compareMetrics({ metrics: base }, { metrics: [M('bw', 968), M('lat', 207, undefined, 'lower', 'us')] })
  t.alike(repeat.changes.map((c) => [c.name, c.kind, c.minChange]), [['bw', 'noise', 5], ['lat', 'noise', 5]], 'a repeated baseline run 3.2% and 3.5% off is not a regression')
  const shifted = compareMetrics({ metrics: base }, { metrics: [M('bw', 850), M('lat', 204, undefined, 'lower', 'us')] })
  const bw = shifted.changes[0]
  t.alike([bw?.kind, bw?.delta, bw?.pct, bw?.unit], ['regression', -150, -15, 'MB/s'])
  t.is(shifted.counts.regressions, 1)
  t.is(compareMetrics({ metrics: [M('x', 0)] }, { metrics: [M('x', 0.001)] }).changes[0]?.kind, 'improvement', 'from 0 any change reaches the floor')
})

test('compareMetrics(): the floor comes from the comparison by name, the metric, the comparison\'s default, else 5%', (t) => {
  const a = { metrics: [M('bw', 100), { ...M('iops', 100), minChange: 20 }, M('lat', 100, undefined, 'lower', 'us')] }
  const b = { metrics: [M('bw', 90), M('iops', 90), M('lat', 102, undefined, 'lower', 'us')] }
  const floors = (asked = {}): Array<[string, number, string]> => compareMetrics(a, b, asked).changes.map((c) => [c.name, c.minChange, c.kind])
  t.alike(floors(), [['bw', 5, 'regression'], ['iops', 20, 'noise'], ['lat', 5, 'noise']], "the baseline metric's own 20% holds iops")
  t.alike(floors({ default: 1 }), [['bw', 1, 'regression'], ['iops', 20, 'noise'], ['lat', 1, 'regression']], 'a default of 1% catches the 2% latency rise')
  t.alike(floors({ default: 15, byName: { iops: 5 } }), [['bw', 15, 'noise'], ['iops', 5, 'regression'], ['lat', 15, 'noise']], 'by name wins over the metric')
  const bOwn = { metrics: [{ ...M('bw', 90), minChange: 50 }] }
  t.is(compareMetrics(a, bOwn).changes[0]?.minChange, 50, "B's own floor before A's")
})

test('compareMetrics(): above the floor, the spread and the rank test still decide', (t) => {
  // A 10% shift in the median, but the samples overlap: neither outside the spread nor a rank-test shift.
  const wide = compareMetrics({ metrics: [M('bw', 100, [80, 90, 100, 110, 120])] }, { metrics: [M('bw', 90, [78, 88, 90, 112, 119])] })
  t.is(wide.changes[0]?.kind, 'noise')
  // A 3% shift with tight samples counts once the floor asked for is below it.
  const tight = (asked = {}): string | undefined => compareMetrics({ metrics: [M('bw', 100, [99.9, 100, 100.1, 100, 99.95])] }, { metrics: [M('bw', 97, [96.9, 97, 97.1, 97, 96.95])] }, asked).changes[0]?.kind
  t.is(tight(), 'noise', 'below the default 5%')
  t.is(tight({ default: 1 }), 'regression', 'beyond a 1% floor, outside the spread, p < 0.05')
})
