/**
 * The JSON the node sends, typed once: what `cairn ... --json` prints and
 * what the HTTP API answers. Pure types that import nothing, because the
 * browser build (node/ui, its own tsconfig) compiles this file too and its
 * modules take these with `import type` (erased: the browser never loads
 * it). The other files of node/wire/ build these shapes on the node;
 * wire/agree.ts checks what this file restates from protocol/ and the node.
 */

/** protocol/results.ts TestStatus (checked equal in wire/agree.ts). */
export type TestStatusJson = 'pass' | 'fail' | 'error' | 'skip' | 'xfail' | 'xpass'

/** An event as the CLI and the API show it: the envelope, its body, and where it was read (feed, block). */
export interface EventJson {
  id: string
  type: string
  author: string
  ts: number
  refs: string[]
  body: Record<string, unknown>
  feed: string
  seq: number
}

interface BlobRefJson { hash: string, core: string, offset: number, length: number }

export interface TestJson { name: string, status: TestStatusJson, duration?: number | undefined, detail?: string | undefined }

interface LogJson { name: string, blob: BlobRefJson }

/** A result body without its test list (which may hold a million tests). Optional fields are absent, never null (`| undefined`: as the body's schema types them). */
interface ResultHeadJson {
  job?: string | undefined
  build: string
  testRun: string
  verdict: string
  logs: LogJson[]
  environment: Record<string, string>
  reuses?: string | undefined
  message?: string | undefined
}

/** What a result tested, from its job request (node/wire/tested.ts); null fields where this node lacks the job. */
export interface TestedJson {
  kind: 'baseline' | 'revision' | null
  repo: string | null
  profile: string | null
  /** The commit tested (a baseline) or the series was applied on. */
  base: string | null
  /** The ref the job named (a tag or branch), when base is the commit it resolved to. */
  ref: string | null
  revision: string | null
  series: { id: string, version: number, subject: string } | null
  /** A short name for a person: `v6.13`, `xfs: fix iget (v2)`, `build 1a2b3c4d5e6f`. */
  label: string
}

/**
 * The API's result row (`/api/results`, a revision's results, `/api/compare`'s a and b): counts and failing names instead of the tests.
 * A reused result's counts are those of the run it stands for (`run`).
 */
export interface ResultRowJson {
  id: string
  type: 'result'
  author: string
  ts: number
  refs: string[]
  feed: string
  seq: number
  body: ResultHeadJson
  total: number
  counts: Record<TestStatusJson, number>
  /** The first 20 failing tests' names. */
  failing: string[]
  /** The run the counts are from: the result itself, or the one a reused result stands for (null: not here, counts empty). */
  run: string | null
  tested: TestedJson
  /** A newer result for the same series or baseline and profile has another test-run identity. */
  stale: boolean
}

/** The CLI's result row (`results list --json`; README documents it), a reused result resolved to the run it stands for. */
export interface ResultSummaryJson {
  id: string
  job: string | null
  revision: string | null
  profile: string | null
  build: string
  testRun: string
  verdict: string
  /** The verdict of the run a reused result stands for (else the verdict itself); null if that run is not here. */
  effectiveVerdict: string | null
  reuses: string | null
  runner: string
  ts: number
  total: number
  counts: Record<TestStatusJson, number>
  stale: boolean
  message: string | null
  tested: TestedJson
}

/** One test's status on each side of a comparison, null where it is absent. */
export interface ChangeJson { name: string, a: TestStatusJson | null, b: TestStatusJson | null }

/** protocol/results.ts CompareCounts (checked equal in wire/agree.ts). */
export interface CompareCountsJson {
  regressions: number
  fixes: number
  new: number
  newFailing: number
  removed: number
  stillFailing: number
  otherChanges: number
  unchanged: number
}

export interface ComparedResultJson { id: string, build: string, testRun: string, verdict: string }

/** `results compare --json`: regressions first, as README documents. */
export interface ComparisonJson {
  resultA: ComparedResultJson
  resultB: ComparedResultJson
  regressions: ChangeJson[]
  fixes: ChangeJson[]
  new: ChangeJson[]
  removed: ChangeJson[]
  stillFailing: ChangeJson[]
  otherChanges: ChangeJson[]
  /** Regressions and fixes of tests the flake ledger holds flaky under A's or B's test-run identity (not counted as either). */
  flaky: ChangeJson[]
  counts: CompareCountsJson
  /** What the runs measured, change by change, weighed against the noise (protocol/metrics.ts). */
  metrics: MetricComparisonJson
}

/** A metric of a result (protocol/metrics.ts Metric, checked equal in wire/agree.ts). */
export interface MetricJson { name: string, value: number, unit: string, direction: 'higher' | 'lower', samples?: number[] | undefined, minChange?: number | undefined }

/** One metric in both results: its size, the baseline's spread and whether the change is beyond it. */
export interface MetricChangeJson {
  name: string
  unit: string
  direction: 'higher' | 'lower'
  a: number
  b: number
  delta: number
  pct: number | null
  spread: { min: number, max: number, n: number }
  nB: number
  p: number | null
  /** The minimum relative change (percent) it was held to. */
  minChange: number
  kind: 'regression' | 'improvement' | 'noise' | 'unit-changed'
}

/** protocol/metrics.ts MetricComparison (checked equal in wire/agree.ts). */
export interface MetricComparisonJson {
  changes: MetricChangeJson[]
  new: MetricJson[]
  removed: MetricJson[]
  counts: { regressions: number, improvements: number, noise: number, new: number, removed: number }
}

/** A scheduled job (node/wire/schedules.ts): `cairn schedule list --json` and GET /api/schedules. */
export interface ScheduleJson {
  name: string
  /** `ci`: from the daemon's ci.yaml (read-only); `home`: cairn schedule add. */
  source: 'home' | 'ci'
  readOnly: boolean
  everyMs: number
  every: string
  /** The UTC time of day its periods start, HH:MM; null: from its creation (ci: from the epoch). */
  at: string | null
  repo: string
  ref: string
  recipe: string | null
  profile: string
  tags: string[]
  created: string
  lastRun: string | null
  nextRun: string
}

interface PersonJson { name: string, email: string }

export interface TrailerJson { key: string, value: string }

/**
 * The two list rows of a series are built from the same facts
 * (node/wire/series.ts) but keep the shapes their readers have:
 * `series list --json` (README) adds the change-id, the date as ISO text and
 * the missing patch indexes, and lists each collected trailer once;
 * `/api/series` (the web UI) adds the newest decision's verdict and reasons,
 * the poster, the date in ms plus the revision's ts, the collected
 * trailers counted by key, and the touched paths.
 */
export interface SeriesRowJson {
  id: string
  project: string
  subject: string
  changeId: string | null
  state: string
  author: PersonJson | null
  date: string | null
  list: string | null
  versions: Array<{ version: number, id: string }>
  latest: { version: number, id: string, total: number, present: number, missing: number[], complete: boolean }
  reviews: number
  trailers: TrailerJson[]
}

export interface SeriesListRowJson {
  id: string
  project: string
  subject: string
  state: string
  verdict: string | null
  reasons: string[]
  author: PersonJson | null
  poster: string
  list: string | null
  date: number | null
  ts: number
  latest: { id: string, version: number, total: number, present: number, complete: boolean }
  versions: Array<{ id: string, version: number }>
  reviews: number
  /** Collected trailers by key, each key and value counted once. */
  trailers: Record<string, number>
  /** How many paths the latest revision touches, and the first few. */
  files: number
  paths: string[]
}

export interface SeriesListPageJson { total: number, series: SeriesListRowJson[], next: string | null }

/** `job list --json` (README documents it). */
export interface JobJson {
  id: string
  state: string
  cancelled: boolean
  project: string
  repo: string
  base: string
  ref: string | null
  revision: string | null
  profile: string
  tags: string[]
  priority: number
  author: string
  ts: number
  runner: string | null
  leaseUntil: number | null
  attempts: number
  verdict: string | null
  result: string | null
  /** The job this one runs again (`job rerun`), which also means its result was not reused. */
  rerunOf: string | null
  /** Queued and held back by a runner's launch gate: which gate and why. */
  waiting: string | null
}

export interface FeedJson {
  key: string
  kind: 'events' | 'blobs'
  hops: number
  length: number
  contiguous: number
  indexed: number | null
  peers: number
  author: string | null
  name: string | null
  own: boolean
  missing: number
  unindexed: number
}

export interface StatusJson {
  identity: string
  feed: string
  blobs: string
  name: string
  events: number
  rejected: number
  ownMissingBlocks: number
  feeds: FeedJson[]
  types: Record<string, number>
  trusted: number
  identities: number
}

export interface PeerJson {
  key: string
  via: string | null
  address: string | null
  cores: Array<{ key: string, kind: string, remoteLength: number | null, localLength: number }>
}

export interface EventDetailJson {
  event: EventJson
  signed: { payload: string, sig: string, index: number } | null
  authorName: string | null
  authorRoles: string[]
  referencedBy: string[]
}

/** `/api/blobs/:hash/patches`: where a blob is a patch's diff or mail, or a cover letter's mail (index 0), in the revisions here. */
export interface BlobPatchJson {
  revision: string
  series: string
  project: string
  version: number
  index: number
  subject: string
  part: 'diff' | 'mail'
}

export interface BlobPatchesJson { hash: string, patches: BlobPatchJson[] }
