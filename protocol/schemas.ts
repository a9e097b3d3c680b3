import { z } from 'zod'

/**
 * Event bodies, one schema per dotted type name. Keys, feed keys and EventIds
 * in bodies are lowercase hex strings so bodies read the same in msgpack,
 * JSON and the CLI. Unknown extra fields are allowed (validation never
 * rewrites a body: the signed bytes are what is stored and shown), so a newer
 * minor addition still validates on an older node.
 */

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters')
const text = (max: number): z.ZodString => z.string().max(max)
const int = z.number().int().safe()
const nonNegInt = int.nonnegative()

export const ROLES = ['reviewer', 'maintainer', 'runner', 'bridge'] as const
export type Role = typeof ROLES[number]

/** Where a blob lives: content hash (blake2b-256), the blobs core, and its byte range there. */
export const blobRefSchema = z.object({
  hash: hex32,
  core: hex32,
  offset: nonNegInt,
  length: nonNegInt
})

const trailerSchema = z.object({ key: text(200).min(1), value: text(2000) })

/**
 * One builder per type, called on the first validation of that type: building
 * every schema cost each process that loads this module tens of ms (a `cairn
 * log` of notes needs only the note schema).
 */
const bodySchemaBuilders = {
  'identity.link': () => z.object({
    feed: hex32,
    blobs: hex32.optional(),
    name: text(200).optional(),
    emails: z.array(text(320)).max(64).optional()
  }),
  'trust.set': () => z.object({
    subject: hex32,
    roles: z.array(z.enum(ROLES)).max(ROLES.length),
    revoked: z.boolean().optional()
  }),
  note: () => z.object({
    text: text(1 << 20),
    subject: text(1000).optional()
  }),
  'series.revision': () => z.object({
    project: text(200),
    series: text(200).min(1),
    version: int.min(1),
    subject: text(2000),
    cover: z.object({
      subject: text(2000),
      body: text(1 << 20),
      messageId: text(998).optional(),
      /** The cover letter's mail as received (bridged series). */
      mail: blobRefSchema.optional(),
      /** A partial reroll without its own cover: the cover of this older version applies. */
      inheritedFrom: int.min(1).optional()
    }).optional(),
    base: text(200).optional(),
    total: nonNegInt,
    patches: z.array(z.object({
      index: int.min(0),
      subject: text(2000),
      author: z.object({ name: text(500), email: text(320) }).optional(),
      message: text(1 << 20).optional(),
      diff: blobRefSchema.optional(),
      messageId: text(998).optional(),
      missing: z.boolean().optional(),
      /** The patch mail's Date header, as git mailinfo prints it (git am keeps it as the author date). */
      date: text(200).optional(),
      /** The patch mail as received (bridged series). */
      mail: blobRefSchema.optional(),
      /** Paths the diff touches, so lists and policies can filter without reading blobs. */
      files: z.array(text(4096)).max(100_000).optional(),
      /** Trailers already in the commit message, as the bridge parsed them. */
      trailers: z.array(trailerSchema).max(1000).optional(),
      /** Partial reroll: this slot is the unchanged patch of that older version (reviews given there count). */
      carriedFrom: int.min(1).optional()
    })).max(10000),
    source: z.object({ messageIds: z.array(text(998)).max(10000), list: text(200).optional() }),
    changeId: text(200).optional(),
    /** Sender of the cover letter, else of the first patch (the bridge signs the event, not the author). */
    author: z.object({ name: text(500), email: text(320) }).optional(),
    /** Earliest Date of its mails, ms since epoch. */
    date: int.optional(),
    rfc: z.boolean().optional(),
    resend: z.boolean().optional(),
    /** Other subject prefixes, e.g. ['net-next']. */
    prefixes: z.array(text(200)).max(50).optional(),
    /** Why this revision follows the previous one of its series: change-id, in-reply-to or subject (with its similarity). */
    link: z.object({ reason: text(50), to: text(998), score: z.number().min(0).max(1).optional() }).optional(),
    /**
     * Earlier series.revision events by the same author that this one replaces
     * (a bridge regrouped their mails under another series id or version);
     * reviews of those count for this one.
     */
    replaces: z.array(hex32).max(10000).optional()
  }),
  review: () => z.object({
    target: z.object({ revision: hex32, patch: int.min(0).optional() }),
    trailers: z.array(trailerSchema).max(1000),
    comment: text(1 << 20).optional(),
    messageId: text(998).optional(),
    /** Sender of the reply, when a bridge publishes it (the bridge signs, the sender wrote). */
    from: z.object({ name: text(500), email: text(320) }).optional(),
    /** The reply's mail as received. */
    mail: blobRefSchema.optional()
  }),
  'job.request': () => z.object({
    project: text(200),
    repo: text(4096),
    base: text(200),
    revision: hex32.optional(),
    recipe: z.record(z.string(), z.unknown()),
    profile: text(200),
    tags: z.array(text(100)).max(64),
    priority: int,
    /** The ref the user named (a branch, a tag) when base is the commit it resolved to. */
    ref: text(200).optional(),
    /** false: run it even when a result of the same test-run identity exists (a rerun, a flake check). */
    reuse: z.literal(false).optional(),
    /** The job this one runs again (`job rerun`). */
    rerunOf: hex32.optional()
  }),
  'job.claim': () => z.object({ job: hex32, runner: hex32, leaseUntil: nonNegInt }),
  'job.progress': () => z.object({ job: hex32, step: text(200), state: text(100), detail: text(1 << 16).optional() }),
  result: () => z.object({
    job: hex32.optional(),
    build: text(200),
    testRun: text(200),
    verdict: z.enum(['pass', 'fail', 'error', 'apply-failed', 'aborted', 'reused']),
    tests: z.array(z.object({
      name: text(1000),
      status: z.enum(['pass', 'fail', 'skip', 'xfail', 'xpass', 'error']),
      duration: nonNegInt.optional(),
      detail: text(1 << 16).optional()
    })).max(1_000_000),
    logs: z.array(z.object({ name: text(500), blob: blobRefSchema })).max(1000),
    environment: z.record(z.string(), text(4096)),
    reuses: hex32.optional(),
    /** Why, in a line or a few, when the verdict is error, apply-failed or aborted. */
    message: text(1 << 16).optional(),
    /**
     * Numbers the run measured (protocol/metrics.ts), beside its tests: added
     * without a version change, so results without them still read.
     */
    metrics: z.array(z.object({
      name: text(1000).min(1),
      value: z.number(),
      unit: text(50),
      direction: z.enum(['higher', 'lower']),
      samples: z.array(z.number()).max(100_000).optional(),
      /** The smallest change, in percent of a baseline, that counts as one (protocol/metrics.ts). */
      minChange: z.number().min(0).max(1_000_000).optional()
    })).max(100_000).optional()
  }),
  decision: () => z.object({
    revision: hex32,
    machine: text(200),
    machineVersion: text(50),
    policyHash: text(200),
    state: text(100),
    verdict: z.enum(['merge', 'reject', 'needs-review', 'needs-tests', 'stale']),
    reasons: z.array(text(2000)).max(1000),
    inputs: z.array(hex32).max(100_000)
  }),
  merge: () => z.object({
    revision: hex32,
    branch: text(500),
    commit: z.string().regex(/^[0-9a-f]{40,64}$/, 'expected a git commit id'),
    forced: z.boolean().optional()
  }),
  /** A bisection's answer and the steps that prove it (protocol/bisect.ts says what they mean). */
  bisect: () => {
    const commit = z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a full git commit id')
    return z.object({
      scheme: z.literal('cairn/bisect/v1'),
      project: text(200),
      repo: text(4096),
      good: commit,
      bad: commit,
      /** The one test bisected; absent: the run's verdict. */
      test: text(1000).optional(),
      recipe: z.record(z.string(), z.unknown()),
      profile: text(200),
      tags: z.array(text(100)).max(64),
      /** Commits in good..bad (first-parent), the candidates for the first bad one. */
      commits: nonNegInt,
      steps: z.array(z.object({
        commit,
        outcome: z.enum(['good', 'bad', 'skip']),
        /** The results (EventIds) whose runs decided it; a flaky step lists every run. */
        results: z.array(hex32).max(100),
        flaky: z.boolean().optional()
      })).max(10_000),
      firstBad: commit.optional(),
      /** When skipped steps leave more than one candidate: all of them, oldest first. */
      candidates: z.array(commit).max(10_000).optional()
    })
  },
  'mail.raw': () => z.object({
    reason: text(2000),
    messageId: text(998).optional(),
    list: text(200).optional(),
    subject: text(2000).optional(),
    mail: blobRefSchema
  })
} as const

type BodySchemas = { [T in keyof typeof bodySchemaBuilders]: ReturnType<typeof bodySchemaBuilders[T]> }
export type EventType = keyof BodySchemas
export type BodyOf<T extends EventType> = z.infer<BodySchemas[T]>
export type BlobRef = z.infer<typeof blobRefSchema>
export const EVENT_TYPES = Object.keys(bodySchemaBuilders) as EventType[]

export function isEventType (type: unknown): type is EventType {
  return typeof type === 'string' && Object.hasOwn(bodySchemaBuilders, type)
}

const built: Partial<BodySchemas> = {}

/** The body schema of an event type, built the first time it is asked for. */
export function bodySchema<T extends EventType> (type: T): BodySchemas[T] {
  return built[type] ??= bodySchemaBuilders[type]() as BodySchemas[T]
}
