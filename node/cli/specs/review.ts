import type { CommandSpec } from '../spec.js'
import { JSON_OPTION, JSONL_OPTION, LIMIT_OPTION, REPO_OPTION, VERSION_OPTION } from '../spec.js'

/* Series, reviews, policy and merging. */

export const seriesSpec = {
  name: 'series',
  summary: 'patch series from the views: list, show revisions/patches/trailers, diff revisions, apply with trailers (git am)',
  subcommands: [
    {
      name: 'list',
      summary: 'series, newest first',
      options: [
        JSON_OPTION,
        JSONL_OPTION,
        { ...LIMIT_OPTION, description: 'only the first N series' },
        { name: 'state', type: 'string', value: 'STATE', description: 'only series in this state', example: '--state reviewed' },
        { name: 'project', type: 'string', value: 'NAME', description: 'only series of this project' },
        { name: 'match', type: 'string', value: 'path:GLOB', multiple: true, description: 'only series touching these paths', example: '--match path:fs/ext4/**' },
        { name: 'trailer', type: 'string', value: 'KEY', multiple: true, description: 'only series with this trailer', example: '--trailer Reviewed-by' },
        { name: 'hide-until', type: 'string', value: 'KEY', multiple: true, description: 'hide series until they carry this trailer' },
        {
          name: 'search',
          type: 'string',
          value: 'QUERY',
          description: 'full text over subjects, senders, cover letters and commit messages of every revision: words (all must match), "a phrase", prefix*, AND, OR, NOT, ( ), and lei\'s prefixes s: (subject), f: (sender), b: (body); an address or path is searched as a phrase; a malformed query fails with BAD_QUERY',
          example: '--search \'s:rtc f:alexandre.belloni@bootlin.com NOT b:deprecated\''
        }
      ],
      examples: ['cairn series list --search \'s:rtc* OR s:alarm\' --limit 10', 'cairn series list --search \'"fix leak" f:kernel.org\'']
    },
    { name: 'show', summary: 'a series: revisions, patches, trailers', args: ['SERIES'], options: [JSON_OPTION] },
    {
      name: 'diff',
      summary: 'what changed between two revisions: their patch texts, or git range-diff with --repo (trailers cairn collected left out)',
      args: ['SERIES'],
      options: [
        { name: 'from', type: 'string', value: 'vN', description: 'the older revision (default: the one before --to)', example: '--from v1' },
        { name: 'to', type: 'string', value: 'vM', description: 'the newer revision (default: the latest)' },
        { ...REPO_OPTION, description: 'apply both in throwaway worktrees of this repository and run git range-diff' },
        { name: 'base', type: 'string', value: 'REF', description: 'with --repo: where a revision without a base-commit is applied (default HEAD)' }
      ]
    },
    {
      name: 'apply',
      summary: 'apply a revision with git am, trailers from reviews added',
      args: ['SERIES'],
      options: [
        { ...REPO_OPTION, required: true },
        { name: 'branch', type: 'string', value: 'NAME', description: 'create this branch at the base and apply there' },
        { name: 'base', type: 'string', value: 'REF', description: "apply onto this ref (default: the revision's base-commit, else HEAD)" },
        { name: 'no-trailers', type: 'boolean', description: 'leave out the trailers collected from reviews' }
      ]
    }
  ]
} as const satisfies CommandSpec

export const reviewSpec = {
  name: 'review',
  summary: 'review a series revision (the latest unless --version or a revision id): a signed review event on your own feed',
  args: ['SERIES'],
  options: [
    VERSION_OPTION,
    { name: 'patch', type: 'int', value: 'N', description: 'one patch (0: the cover letter, the whole series)' },
    { name: 'trailer', type: 'string', value: 'TRAILER', multiple: true, description: 'a trailer ("Reviewed-by" alone: signed with your published name)', example: '--trailer "Reviewed-by: Alice <alice@example.org>"' },
    { name: 'comment', type: 'string', value: 'TEXT', description: 'a comment' }
  ]
} as const satisfies CommandSpec

const POLICY_REPO = { ...REPO_OPTION, description: "read the repository's .cairn/policy.yaml instead of the node's policy" } as const

export const policySpec = {
  name: 'policy',
  summary: 'the merge policy: show it, set it, check a series against it, verify a published decision',
  subcommands: [
    { name: 'show', summary: 'the policy in force', options: [JSON_OPTION, POLICY_REPO] },
    {
      name: 'set',
      summary: "set the node's policy from FILE or from a repository",
      args: ['[FILE]'],
      options: [
        { ...REPO_OPTION, description: "take the repository's .cairn/policy.yaml (instead of FILE)" },
        { name: 'maintainers', type: 'string', value: 'PATH', description: 'with FILE: the MAINTAINERS file it names' }
      ]
    },
    { name: 'check', summary: 'decide a series revision under the policy', args: ['SERIES'], options: [VERSION_OPTION, JSON_OPTION, POLICY_REPO] },
    {
      name: 'verify',
      summary: 'replay a published decision; exit 1 when it does not hold',
      args: ['DECISION'],
      options: [{ name: 'as-made', type: 'boolean', description: 'against its listed inputs only' }, JSON_OPTION, POLICY_REPO]
    }
  ]
} as const satisfies CommandSpec

export const mergeSpec = {
  name: 'merge',
  summary: 'apply a revision whose verdict is merge with git am (trailers of trusted reviews added) and record a merge event',
  args: ['SERIES'],
  options: [
    { ...REPO_OPTION, required: true, description: 'the git working tree to apply the series in' },
    VERSION_OPTION,
    { name: 'branch', type: 'string', value: 'NAME', description: 'create this branch at the base and apply there' },
    { name: 'force', type: 'boolean', description: 'merge whatever the verdict, recorded as forced' }
  ]
} as const satisfies CommandSpec
