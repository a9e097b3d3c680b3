import type { CommandSpec } from '../spec.js'
import { JSON_OPTION, JSONL_OPTION } from '../spec.js'
import { ARCHIVED_OPTION } from './jobs.js'

/* Bisecting a range over published results, and checking a published bisect. */

export const bisectCheckSpec = {
  name: 'check',
  summary: "verify a bisect event: each step's results are here, trusted and say what the step says, and they prove the first bad commit",
  args: ['BISECT'],
  options: [
    JSON_OPTION,
    { name: 'repo', type: 'string', value: 'DIR', description: "a local clone to read the range from (default: the event's repo, when it is a directory here)" }
  ]
} as const satisfies CommandSpec

export const bisectSpec = {
  name: 'bisect',
  summary: 'find the first bad commit of good..bad through ordinary jobs, reusing every result already published; posts a bisect event',
  bare: true,
  options: [
    JSON_OPTION,
    { name: 'repo', type: 'string', value: 'DIR', description: 'a local clone holding the range (required)' },
    { name: 'good', type: 'string', value: 'REF', description: 'a commit where the test passes (required)', example: '--good v6.8' },
    { name: 'bad', type: 'string', value: 'REF', description: 'a later commit on its first-parent line where it fails (required)', example: '--bad v6.9' },
    { name: 'test', type: 'string', value: 'NAME', description: "the test to bisect (default: the run's verdict)", example: '--test generic/001' },
    { name: 'recipe', type: 'string', value: 'FILE', description: "the recipe (default: the tree's .cairn/recipe.yaml)" },
    { name: 'profile', type: 'string', value: 'NAME', description: 'which profile of the recipe' },
    { name: 'tags', type: 'string', value: 'T1,T2', description: 'runners must serve all these tags' },
    { name: 'workdir', type: 'string', value: 'DIR', description: "where this machine's runner runs the steps (default: HOME/runner)" }
  ],
  subcommands: [bisectCheckSpec],
  examples: ['cairn bisect --repo ~/src/linux --good v6.8 --bad v6.9 --test generic/001', 'cairn bisect check 3f2a9c01']
} as const satisfies CommandSpec

export const flakesSpec = {
  name: 'flakes',
  summary: 'the flake ledger: tests whose runs of one test-run identity disagree, with the runs and runners',
  options: [JSON_OPTION, JSONL_OPTION, { name: 'test', type: 'string', value: 'NAME', description: 'only this test' }]
} as const satisfies CommandSpec

export const regressionsSpec = {
  name: 'regressions',
  summary: "regressions over each tree's baseline results: first seen, still failing, fixed by which result and commit",
  options: [
    JSON_OPTION,
    JSONL_OPTION,
    { name: 'state', type: 'string', value: 'STATE', choices: ['failing', 'fixed'], description: 'only open (failing) or fixed ones' },
    { name: 'project', type: 'string', value: 'NAME', description: 'only this project' },
    ARCHIVED_OPTION
  ]
} as const satisfies CommandSpec
