/**
 * Parser throughput on generated output of 20,000 tests: a TAP 14 stream
 * (with YAML diagnostics, skips, TODOs and subtests), a JUnit file, and for
 * comparison kselftest runner output and xfstests check output.
 * Run: node --import tsx test/bench/parsers.bench.ts
 */
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { parseFstests } from '../../runners/parsers/fstests.js'
import { parseJunit } from '../../runners/parsers/junit.js'
import { parseKselftest } from '../../runners/parsers/kselftest.js'
import { parseTap } from '../../runners/parsers/tap.js'
import type { ParseResult } from '../../runners/parsers/types.js'

const N = 20_000
const RUNS = 5

export function tapStream (n = N): string {
  const out = ['TAP version 14', `1..${n}`]
  for (let i = 1; i <= n; i++) {
    if (i % 500 === 0) {
      // a subtest of three every 500 tests
      out.push(`# Subtest: group ${i}`, '    1..3', '    ok 1 - a', '    not ok 2 - b', '    ok 3 - c # SKIP no disk', `not ok ${i} - group ${i}`)
    } else if (i % 50 === 0) {
      out.push(`not ok ${i} - test ${i} handles case ${i % 7}`, '  ---', `  duration_ms: ${(i % 97) / 3}`, '  message: "expected 1, got 2"', '  at: lib/thing.js:42:7', '  ...')
    } else if (i % 40 === 0) {
      out.push(`ok ${i} - test ${i} # SKIP not on this arch`)
    } else if (i % 90 === 0) {
      out.push(`not ok ${i} - test ${i} # TODO known bug`)
    } else {
      out.push(`ok ${i} - test ${i} handles case ${i % 7}`)
    }
  }
  return out.join('\n') + '\n'
}

export function junitFile (n = N): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="bench" tests="${n}">`]
  const perSuite = 1000
  for (let s = 0; s < n / perSuite; s++) {
    out.push(`  <testsuite name="suite${s}" tests="${perSuite}" time="12.5">`)
    for (let i = 0; i < perSuite; i++) {
      const id = s * perSuite + i
      const open = `    <testcase classname="org.cairn.bench.Case${id % 37}" name="test_${id}" time="0.${String(id % 1000).padStart(3, '0')}"`
      if (id % 50 === 0) out.push(`${open}>`, `      <failure message="expected &lt;1&gt; but was &lt;2&gt;" type="AssertionError"><![CDATA[AssertionError: expected <1> but was <2>\n\tat Case.test_${id}(Case.java:${id % 300})]]></failure>`, '      <system-out>setup ok</system-out>', '    </testcase>')
      else if (id % 40 === 0) out.push(`${open}>`, '      <skipped message="not on this arch"/>', '    </testcase>')
      else out.push(`${open}/>`)
    }
    out.push('  </testsuite>')
  }
  out.push('</testsuites>')
  return out.join('\n') + '\n'
}

export function kselftestOutput (n = N): string {
  const perBinary = 100
  const out = ['TAP version 13', `1..${n / perBinary}`]
  for (let b = 1; b <= n / perBinary; b++) {
    out.push(`# selftests: bench: prog${b}`, '# TAP version 13', `# 1..${perBinary}`)
    for (let i = 1; i <= perBinary; i++) out.push(i % 25 === 0 ? `# not ok ${i} case_${i}` : `# ok ${i} case_${i}`)
    out.push(`# # Totals: pass:${perBinary - 4} fail:4 xfail:0 xpass:0 skip:0 error:0`, `not ok ${b} selftests: bench: prog${b} # exit=1`)
  }
  return out.join('\n') + '\n'
}

export function fstestsOutput (n = N): string {
  const out = ['FSTYP         -- xfs (non-debug)', 'PLATFORM      -- Linux/x86_64 bench 6.9.0', '']
  const ran: string[] = []
  const bad: string[] = []
  for (let i = 1; i <= n; i++) {
    const id = `generic/${String(i).padStart(5, '0')}`
    ran.push(id)
    if (i % 50 === 0) {
      bad.push(id)
      out.push(`${id} 3s ... - output mismatch (see /r/${id}.out.bad)`, `    --- tests/${id}.out`, `    +++ /r/${id}.out.bad`, '    @@ -1,2 +1,3 @@', '     QA output', '    +unexpected', '     Silence is golden', '    ...')
    } else {
      out.push(`${id} 3s ...  ${i % 9}s`)
    }
  }
  out.push(`Ran: ${ran.join(' ')}`, `Failures: ${bad.join(' ')}`, `Failed ${bad.length} of ${ran.length} tests`)
  return out.join('\n') + '\n'
}

function measure (label: string, input: string, parse: (s: string) => ParseResult): void {
  parse(input) // warm up the JIT
  const times: number[] = []
  let count = 0
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now()
    count = parse(input).tests.length
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  const median = times[Math.floor(times.length / 2)] as number
  const rate = Math.round(count / (median / 1000))
  const mb = (Buffer.byteLength(input) / 1e6).toFixed(1)
  console.log(`${label.padEnd(10)} ${String(count).padStart(6)} tests  ${mb.padStart(5)} MB  median ${median.toFixed(1).padStart(7)} ms  ${rate.toLocaleString('en-US').padStart(10)} tests/s`)
}

export async function run (): Promise<void> {
  console.log(`parsers: ${N} generated tests each, median of ${RUNS} runs`)
  measure('tap', tapStream(), parseTap)
  measure('junit', junitFile(), parseJunit)
  measure('kselftest', kselftestOutput(), parseKselftest)
  measure('fstests', fstestsOutput(), parseFstests)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run()
}
