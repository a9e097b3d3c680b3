import type { CommandSpec } from '../spec.js'
import { JSON_OPTION, JSONL_OPTION } from '../spec.js'
import { PROFILE_OPTION, REPO_OPTION, TAGS_OPTION } from './jobs.js'

export const scheduleSpec = {
  name: 'schedule',
  summary: 'jobs the daemon (cairn start) submits on a schedule, such as a nightly baseline; a period whose commit already has a job posts nothing',
  subcommands: [
    {
      name: 'add',
      summary: 'submit a baseline job of REF every interval, the first at once; checked now as job submit checks it',
      options: [
        { name: 'every', type: 'string', value: 'INTERVAL', required: true, description: 'how often: NUMBER+UNIT parts (m, h, d, w), at least 1m', example: '--every 1d' },
        REPO_OPTION,
        { name: 'ref', type: 'string', value: 'REF', required: true, description: 'what to test, resolved to a commit when each job is due', example: '--ref main' },
        { name: 'recipe', type: 'string', value: 'FILE', description: "the recipe, read when each job is due (default: the tree's .cairn/recipe.yaml)" },
        PROFILE_OPTION,
        TAGS_OPTION,
        { name: 'name', type: 'string', value: 'NAME', description: 'what to call it (default: REPO-REF-INTERVAL)' },
        { name: 'at', type: 'string', value: 'HH:MM', description: 'start each period at this UTC time of day, the first at the next one (--every of whole days)', example: '--at 02:00' }
      ],
      examples: ['cairn schedule add --every 1d --repo ~/src/linux --ref master --recipe nightly.yaml', 'cairn schedule add --every 1d --at 02:00 --repo ~/src/linux --ref master']
    },
    {
      name: 'list',
      summary: "the schedules, with when each last ran and next runs (with the daemon's ci.yaml schedules while it runs, read-only)",
      options: [JSON_OPTION, JSONL_OPTION]
    },
    { name: 'remove', summary: 'stop a schedule (its jobs and results stay)', args: ['NAME'] }
  ]
} as const satisfies CommandSpec
