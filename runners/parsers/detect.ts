/**
 * Which parser fits some test output. Looks at the first 64 KB only; the
 * most specific dialect wins (kselftest is TAP, so it is tried first).
 */
import { toText } from './text.js'
import type { ParserInput, ParserKind } from './types.js'

const SNIFF_BYTES = 64 * 1024

const KSELFTEST = [
  /^# selftests: /m,
  /^(?:not )?ok \d+ selftests: /m,
  /^(?:\[\s*\d+\.\d+\]\s?)?\s*KTAP version \d+/m,
  /^\s*# Totals: pass:\d+ fail:\d+/m,
  /^\s*(?:not )?ok \d+\b[^\n]*#\s*(?:XFAIL|XPASS|TIMEOUT)\b/im
]
const FSTESTS = [
  /^(?:FSTYP|PLATFORM|MKFS_OPTIONS|MOUNT_OPTIONS)\s+-- /m,
  /^[\w.-]+\/\d{3,}(?:-[\w-]+)?\s+(?:\d+s \.\.\.|\[not run\]|\[expunged\]|- output mismatch|_check_\w+:|\d+s\s*$)/m,
  /^(?:Ran|Failures|Not run): [\w.-]+\/\d{3}/m,
  /^(?:Failed \d+ of \d+ tests|Passed all \d+ tests)\s*$/m
]
const TAP = [
  /^\s*TAP version \d+/m,
  /^\s*(?:not )?ok(?:\s|$)/m,
  /^\s*\d+\.\.\d+\s*(?:#.*)?$/m
]

export function detectKind (input: ParserInput): ParserKind | undefined {
  const head = typeof input === 'string' ? input.slice(0, SNIFF_BYTES) : toText(input.subarray(0, SNIFF_BYTES))
  const start = head.replace(/^\uFEFF/, '').trimStart()
  if (start.startsWith('<') && /<testsuites?[\s>/]/.test(head)) return 'junit'
  if (/^\s*"fio version"\s*:/m.test(head)) return 'fio'
  if (/^sysbench \d/m.test(head)) return 'sysbench'
  if (/^\s*\{\s*"metric"\s*:/m.test(head)) return 'metrics'
  if (KSELFTEST.some(re => re.test(head))) return 'kselftest'
  if (FSTESTS.some(re => re.test(head))) return 'fstests'
  if (TAP.some(re => re.test(head))) return 'tap'
  return undefined
}
