import type { CommandSpec } from '../spec.js'
import { JSON_OPTION } from '../spec.js'
import { ARCHIVED_OPTION } from './jobs.js'

/* A test's or a suite's outcome across what was tested. */

export const historySpec = {
  name: 'history',
  summary: "a test's or a suite's outcome in every result, by release (the ref tested), where it changed",
  args: ['TEST|SUITE'],
  options: [
    JSON_OPTION,
    { name: 'profile', type: 'string', value: 'NAME', description: 'only results of this profile' },
    { name: 'kind', type: 'string', value: 'KIND', choices: ['baseline', 'revision'], description: 'only baselines (releases) or only series runs' },
    { name: 'order', type: 'string', value: 'ORDER', choices: ['release', 'time'], default: 'release', description: 'by the release tested, or by run time' },
    ARCHIVED_OPTION
  ],
  examples: ['cairn history generic/002', 'cairn history generic --profile xfs-quick --json']
} as const satisfies CommandSpec
