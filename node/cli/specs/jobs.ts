import type { CommandSpec } from '../spec.js'
import { JSON_OPTION, JSONL_OPTION, LIMIT_OPTION } from '../spec.js'

/* Jobs, runners and their results. */

/* What a job runs, shared by job submit and schedule add. */
export const REPO_OPTION = { name: 'repo', type: 'string', value: 'PATH|URL', required: true, description: 'the repository runners clone', example: '--repo https://git.example.org/linux.git' } as const
export const PROFILE_OPTION = { name: 'profile', type: 'string', value: 'NAME', description: 'which profile of the recipe' } as const
export const TAGS_OPTION = { name: 'tags', type: 'string', value: 'T1,T2', description: 'runners must serve all these tags', example: '--tags x86_64,kvm' } as const

export const JOB_STATE_NAMES = ['queued', 'claimed', 'running', 'done', 'failed', 'aborted'] as const

export const jobSpec = {
  name: 'job',
  summary: 'submit build/test jobs for runners, list them with their state, cancel or rerun one',
  subcommands: [
    {
      name: 'submit',
      summary: 'sign a job.request: a series job (--series) or a baseline job (--ref); prints the job id',
      options: [
        { name: 'series', type: 'string', value: 'ID', description: 'the series or revision to test' },
        { name: 'base', type: 'string', value: 'REF', description: 'with --series: apply onto this ref (default: its base-commit, else HEAD)' },
        { name: 'ref', type: 'string', value: 'REF', description: 'a baseline job: test this ref as it is', example: '--ref v6.9' },
        REPO_OPTION,
        { name: 'recipe', type: 'string', value: 'FILE', description: "the recipe (default: the tree's .cairn/recipe.yaml)" },
        PROFILE_OPTION,
        TAGS_OPTION,
        { name: 'priority', type: 'string', value: 'N', description: 'higher runs first (an integer, may be negative)' }
      ],
      examples: ['cairn job submit --series 20240101-foo --repo ~/src/linux --tags x86_64']
    },
    {
      name: 'list',
      summary: 'jobs and their state',
      options: [JSON_OPTION, JSONL_OPTION, { name: 'state', type: 'string', value: 'STATE', choices: JOB_STATE_NAMES, description: 'only jobs in this state', example: '--state running' }]
    },
    { name: 'cancel', summary: 'cancel a job (its author or a maintainer)', args: ['JOB'] },
    { name: 'rerun', summary: 'submit a finished job again with the same inputs, its result not reused; prints the new job id', args: ['JOB'] },
    {
      name: 'clean',
      summary: "free what a finished job left here: its work directory and this node's copy of its logs and artifacts (results stay)",
      args: ['JOB'],
      options: [{ name: 'workdir', type: 'string', value: 'DIR', description: 'the runner workdir (default: HOME/runner)' }]
    }
  ]
} as const satisfies CommandSpec

export const runnerSpec = {
  name: 'runner',
  summary: 'take jobs from trusted publishers whose tags this machine serves',
  subcommands: [{
    name: 'start',
    summary: 'run jobs; --once: until none is left',
    options: [
      { name: 'tags', type: 'string', value: 'T1,T2', required: true, description: 'what this machine serves ("" for untagged jobs only)', example: '--tags x86_64,kvm' },
      { name: 'workdir', type: 'string', value: 'DIR', description: 'where jobs run (default: HOME/runner)' },
      { name: 'jobs', type: 'int', value: 'N', min: 1, default: 1, description: 'jobs run at once' },
      { name: 'once', type: 'boolean', description: 'catch up with the peers, run what is left, then exit' },
      { name: 'lease', type: 'string', value: 'DURATION', default: '10m', description: 'how long a claim holds before it must be renewed', example: '--lease 30m' },
      { name: 'listen', type: 'string', value: 'HOST:PORT', description: 'serve direct sync here' },
      { name: 'connect', type: 'string', value: 'HOST:PORT', multiple: true, description: 'sync with this peer; repeat for several' },
      { name: 'gate-disk', type: 'string', value: 'PATH:SIZE', multiple: true, description: 'take a job only while PATH has SIZE free; repeat for several', example: '--gate-disk /tmp:5G' },
      { name: 'gate-load', type: 'string', value: 'N', description: 'take a job only while the one-minute load average is at most N', example: '--gate-load 8' },
      { name: 'gate-mem', type: 'string', value: 'SIZE', description: 'take a job only while SIZE of memory is available', example: '--gate-mem 4G' },
      { name: 'gate-script', type: 'string', value: 'FILE', description: 'take a job only while FILE exits 0 (its output says why not)' }
    ]
  }]
} as const satisfies CommandSpec

export const ARCHIVED_OPTION = { name: 'archived', type: 'boolean', description: 'include archived results (cairn results archive)' } as const

export const resultsSpec = {
  name: 'results',
  summary: 'test results: list and filter, show one (with its logs), compare two (regressions first), archive old ones',
  subcommands: [
    {
      name: 'list',
      summary: 'results, filtered',
      options: [
        JSON_OPTION,
        JSONL_OPTION,
        { name: 'series', type: 'string', value: 'ID', description: 'only results of this series' },
        { name: 'build', type: 'string', value: 'IDENTITY', description: 'only results of this build or test-run identity' },
        { name: 'test', type: 'string', value: 'NAME', description: 'only results with this test, and its status', example: '--test generic/001' },
        { ...LIMIT_OPTION, min: 1, description: 'only the newest N results listed' },
        ARCHIVED_OPTION
      ]
    },
    { name: 'show', summary: 'one result: verdict, tests, logs', args: ['RESULT|IDENTITY|JOB'], options: [JSON_OPTION, { name: 'log', type: 'boolean', description: 'print the logs themselves' }] },
    {
      name: 'compare',
      summary: 'two results side by side, regressions first',
      args: ['A', 'B'],
      options: [JSON_OPTION, { name: 'min-change', type: 'string', value: 'PCT|NAME=PCT', multiple: true, description: 'a metric change smaller than PCT percent of the baseline is noise (default: what the metric says, else 5); repeat for several', example: '--min-change 2 --min-change fio/read/bw=10' }]
    },
    {
      name: 'archive',
      summary: 'take results published before a date out of the lists (they stay on the feeds), or bring them back',
      options: [
        { name: 'before', type: 'string', value: 'DATE', description: 'archive results published before this date', example: '--before 2026-01-01' },
        { name: 'restore', type: 'boolean', description: 'bring every archived result back into the lists' }
      ]
    }
  ]
} as const satisfies CommandSpec
