import type { CommandSpec } from '../spec.js'
import { JSON_OPTION, JSONL_OPTION } from '../spec.js'
import { ARCHIVED_OPTION } from './jobs.js'

/* A test's or a suite's outcome, or a metric's value, across what was tested. */

export const historySpec = {
  name: 'history',
  summary: "a test's or a suite's outcome in every result, by release (the ref tested), where it changed; or a metric's value and spread by release (--metric)",
  args: ['[TEST|SUITE]'],
  options: [
    JSON_OPTION,
    JSONL_OPTION,
    { name: 'metric', type: 'string', value: 'NAME', description: 'a metric instead: its median and the spread of repeated runs per release', example: '--metric fio/read/bw' },
    { name: 'profile', type: 'string', value: 'NAME', description: 'only results of this profile' },
    { name: 'kind', type: 'string', value: 'KIND', choices: ['baseline', 'revision'], description: 'only baselines (releases) or only series runs' },
    { name: 'order', type: 'string', value: 'ORDER', choices: ['release', 'time'], default: 'release', description: 'by the release tested, or by run time' },
    ARCHIVED_OPTION
  ],
  examples: ['cairn history generic/002', 'cairn history generic --profile xfs-quick --json', 'cairn history --metric throughput --kind baseline']
} as const satisfies CommandSpec
