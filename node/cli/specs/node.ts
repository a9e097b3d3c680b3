import type { CommandSpec } from '../spec.js'
import { JSON_OPTION, JSONL_OPTION, LIMIT_OPTION } from '../spec.js'

/* The node itself: its home, identity, events and peers. */

export const initSpec = {
  name: 'init',
  summary: 'create this home: identity key (mode 0600), own events and blobs feeds',
  options: [{ name: 'name', type: 'string', value: 'NAME', required: true, description: 'the name this node signs as', example: '--name alice' }],
  examples: ['cairn --home ~/.cairn init --name alice']
} as const satisfies CommandSpec

export const idPublishSpec = {
  name: 'publish',
  summary: 'post your profile (identity.link): trailers mailed from these addresses count as yours where you are trusted',
  options: [
    { name: 'name', type: 'string', value: 'NAME', description: 'your name (default: the name given to init)', example: '--name "Alice Doe"' },
    { name: 'email', type: 'string', value: 'EMAIL', multiple: true, description: 'an address you mail from; repeat for several', example: '--email alice@example.org' }
  ]
} as const satisfies CommandSpec

export const idSpec = {
  name: 'id',
  summary: "this node's keys and counts; publish posts your profile",
  bare: true,
  options: [JSON_OPTION],
  subcommands: [idPublishSpec],
  examples: ['cairn id --json | jq -r .feed']
} as const satisfies CommandSpec

export const postSpec = {
  name: 'post',
  summary: 'validate, sign and append an event; prints its EventId',
  args: ['TYPE'],
  options: [
    { name: 'body', type: 'string', value: 'JSON', default: '{}', description: 'the event body', example: '--body \'{"text":"hello"}\'' },
    { name: 'ref', type: 'string', value: 'ID', multiple: true, description: 'an EventId this event refers to; repeat for several' }
  ],
  examples: ['cairn post note --body \'{"text":"hello"}\'']
} as const satisfies CommandSpec

export const logSpec = {
  name: 'log',
  summary: 'indexed events, ordered by (ts, id), newest last',
  options: [
    JSON_OPTION,
    JSONL_OPTION,
    { name: 'type', type: 'string', value: 'TYPE', description: 'only events of this type', example: '--type note' },
    { name: 'author', type: 'string', value: 'KEY', description: 'only events signed by this identity key (64 hex)' },
    { ...LIMIT_OPTION, description: 'only the newest N events' }
  ],
  examples: ['cairn log --type review --limit 5', 'cairn log --jsonl | jq -r .id']
} as const satisfies CommandSpec

export const followSpec = {
  name: 'follow',
  summary: 'replicate and index that feed; with --project/--list/--path, adopt announced feeds only of those projects, lists and paths (feeds that name none still come)',
  args: ['[FEEDKEY]'],
  options: [
    { name: 'project', type: 'string', value: 'NAME', multiple: true, description: 'follow by interest: announced feeds about this project; repeat for several', example: '--project linux-xfs' },
    { name: 'list', type: 'string', value: 'NAME', multiple: true, description: 'follow by interest: announced feeds of this mailing list; repeat for several', example: '--list linux-xfs@vger.kernel.org' },
    { name: 'path', type: 'string', value: 'GLOB', multiple: true, description: 'follow by interest: announced feeds whose revisions (or the revisions and jobs they answer) touch a file this glob matches; a trailing / means everything below; repeat for several', example: "--path 'drivers/rtc/**'" }
  ],
  examples: ['cairn follow "$(cairn --home A id --json | jq -r .feed)"', 'cairn follow --project linux-xfs', "cairn follow --path 'drivers/rtc/**'"]
} as const satisfies CommandSpec

export const unfollowSpec = {
  name: 'unfollow',
  summary: 'stop carrying a feed (and refuse it from announcements until followed again); --announced forgets every feed only a peer announced; --project/--list/--path narrow the interest',
  args: ['[FEEDKEY]'],
  options: [
    { name: 'announced', type: 'boolean', description: 'instead of one FEEDKEY: forget every feed adopted from announcements that is not followed, trusted or linked' },
    { name: 'from', type: 'string', value: 'HOST', description: 'with --announced: only the feeds announced by this peer host', example: '--from 192.0.2.7' },
    { name: 'project', type: 'string', value: 'NAME', multiple: true, description: 'take this project out of the interest (cairn follow --project); the feeds carried stay', example: '--project linux-xfs' },
    { name: 'list', type: 'string', value: 'NAME', multiple: true, description: 'take this list out of the interest', example: '--list linux-xfs@vger.kernel.org' },
    { name: 'path', type: 'string', value: 'GLOB', multiple: true, description: 'take this path glob out of the interest (as given to cairn follow --path)', example: "--path 'drivers/rtc/**'" }
  ],
  examples: ['cairn unfollow --announced', 'cairn unfollow --project linux-xfs']
} as const satisfies CommandSpec

const ROLE_LIST = 'reviewer, maintainer, runner, bridge'

export const trustSpec = {
  name: 'trust',
  summary: `who this node trusts, and for what (${ROLE_LIST})`,
  subcommands: [
    {
      name: 'add',
      summary: 'trust an identity for roles',
      args: ['KEY'],
      options: [{ name: 'role', type: 'string', value: 'ROLE[,ROLE]', multiple: true, required: true, description: `roles: ${ROLE_LIST}`, example: '--role reviewer,runner' }]
    },
    { name: 'remove', summary: 'stop trusting an identity', args: ['KEY'], options: [{ name: 'role', type: 'string', value: 'ROLE[,ROLE]', multiple: true, description: 'only these roles (default: all)' }] },
    { name: 'list', summary: 'the identities trusted and their roles', options: [JSON_OPTION] }
  ]
} as const satisfies CommandSpec

const HOST_PORT = 'HOST:PORT'

export const syncSpec = {
  name: 'sync',
  summary: 'replicate directly with one peer over TCP (Noise-encrypted); give --listen or --connect',
  options: [
    { name: 'listen', type: 'string', value: HOST_PORT, description: 'serve replication here; prints "listening HOST:PORT"', example: '--listen 127.0.0.1:7421' },
    { name: 'connect', type: 'string', value: HOST_PORT, description: 'replicate with the node serving there', example: '--connect 127.0.0.1:7421' },
    { name: 'once', type: 'boolean', description: 'with --connect: exit when caught up' },
    { name: 'timeout', type: 'string', value: 'SECONDS', default: '30', description: 'give up on a peer that connects, announces or serves nothing for this long (PEER_TIMEOUT)', example: '--timeout 10' }
  ]
} as const satisfies CommandSpec

export const reindexSpec = {
  name: 'reindex',
  summary: 'drop the local views and rebuild them from the feeds',
  options: [
    { name: 'verify-all', type: 'boolean', description: 'check every signature again, not only those of events the views did not hold (an EventId covers payload and signature)' }
  ]
} as const satisfies CommandSpec

export const statusSpec = {
  name: 'status',
  summary: 'feeds carried, how far each is replicated and indexed, rejected events',
  options: [JSON_OPTION],
  examples: ['cairn status | head -3']
} as const satisfies CommandSpec

export const recoverSpec = {
  name: 'recover',
  summary: "fetch blocks of this node's own feed that a damaged store lost, from a peer that has them",
  options: [{ name: 'connect', type: 'string', value: HOST_PORT, required: true, description: 'a peer that holds this feed', example: '--connect 127.0.0.1:7421' }]
} as const satisfies CommandSpec
