/**
 * One claimed job, start to end: a worktree at the base, the series applied,
 * the recipe found, identities computed, a reusable result looked up, the
 * build and test steps run, the output parsed, logs and artifacts stored.
 * Returns the body of the `result` to publish; whether to publish it (the
 * lease may have been lost meanwhile) is the runner's call.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { buildIdentity, testRunIdentity } from '../protocol/build-identity.js'
import { isCairnError } from '../protocol/errors.js'
import type { BlobRef, BodyOf } from '../protocol/schemas.js'
import type { Metric } from '../protocol/metrics.js'
import type { JobRequest } from '../node/views/jobs.js'
import { findReusable } from '../node/views/results.js'
import type { Views } from '../node/views/views.js'
import { JOB_MARKER } from './active.js'
import type { ActiveSteps } from './active.js'
import { storeArtifacts, storeLog } from './artifacts.js'
import type { NamedBlob } from './artifacts.js'
import { hostFacts, nixSystem, runnerClass } from './environment.js'
import { runStep } from './exec.js'
import type { StepOutcome } from './exec.js'
import { gitEnv } from './git.js'
import { StepTelemetry } from './telemetry.js'
import type { Telemetry } from './telemetry.js'
import { parse, parseAuto, parseFstestsResultsDir } from './parsers/index.js'
import type { ParsedTest, ParseResult } from './parsers/index.js'
import { seriesMails } from './patches.js'
import { CHECKED_IN_RECIPES, isEmptyRecipe, normaliseRecipe, parseRecipeText, recipeIdentityParts } from './recipe.js'
import type { Recipe, Step, TestStep } from './recipe.js'
import { summarise } from '../protocol/result-summary.js'
import { applyPatches, narOfWorkspace, prepareWorkspace, removeWorkspace, treeId } from './workspace.js'
import type { RepoCache, Workspace } from './workspace.js'

export type ResultBody = BodyOf<'result'>

interface JobContext {
  views: Views
  blobs: { put: (bytes: Uint8Array) => Promise<BlobRef>, get: (ref: BlobRef) => Promise<Buffer> }
  request: JobRequest
  /** This job's own directory (removed afterwards). */
  dir: string
  cache: RepoCache
  tags: readonly string[]
  /** Aborted when the runner stops or the job is cancelled; the reason says which. */
  signal: AbortSignal
  active: ActiveSteps
  progress: (step: string, state: string, detail?: string) => Promise<void>
  graceMs?: number
  /** How often a build or test step's processes are sampled (runners/telemetry.ts); 0: not at all. */
  telemetryMs?: number
}

const PROBE_TIMEOUT_MS = 60_000
const TELEMETRY_MS = 1000
const DETAIL_MAX = 60_000

class Stop extends Error {
  constructor (readonly verdict: 'error' | 'apply-failed' | 'aborted', message: string) { super(message) }
}

/** Run a job and say what came of it. Never throws for a problem of the job itself: that is a result. */
export async function runJob (ctx: JobContext): Promise<ResultBody> {
  const run = new JobRun(ctx)
  try {
    return await run.execute()
  } catch (err) {
    const stop = err instanceof Stop
      ? err
      : ctx.signal.aborted ? new Stop('aborted', reasonOf(ctx.signal)) : new Stop('error', isCairnError(err) ? err.message : `runner failure: ${(err as Error).stack ?? String(err)}`)
    return await run.body(stop.verdict, [], stop.message)
  } finally {
    await run.cleanup()
  }
}

function reasonOf (signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : 'aborted'
}

function clip (s: string): string {
  return s.length <= DETAIL_MAX ? s : s.slice(0, DETAIL_MAX) + '\n[cut]'
}

class JobRun {
  private ws: Workspace | null = null
  private readonly logs: NamedBlob[] = []
  /** Metrics of the test steps, named as their tests are (a step prefix when there are several). */
  private readonly metrics: Metric[] = []
  private readonly env: Record<string, string>
  private build = ''
  private testRun = ''
  private probes: Record<string, string> = {}

  constructor (private readonly ctx: JobContext) {
    this.env = gitEnv(join(ctx.dir, 'home'))
  }

  async execute (): Promise<ResultBody> {
    const { ctx } = this
    const req = ctx.request.body
    for (const d of ['home', 'tmp', 'logs']) mkdirSync(join(ctx.dir, d), { recursive: true })
    await ctx.progress('prepare', 'running')
    const mails = await this.patches()
    this.ws = await prepareWorkspace(ctx.cache, req.repo, req.base, join(ctx.dir, 'src'), this.env)
    this.checkAbort()
    if (mails.length > 0) {
      await ctx.progress('apply', 'running', `${mails.length} patch(es) on ${this.ws.base}`)
      const applied = await applyPatches(this.ws, mails, join(ctx.dir, 'patches'), this.env)
      await this.keepText('apply.log', applied.output)
      if (!applied.ok) {
        await ctx.progress('apply', 'failed')
        throw new Stop('apply-failed', clip(applied.output))
      }
      await ctx.progress('apply', 'done')
    }
    const recipe = this.recipe()
    this.checkAbort()
    await this.identify(recipe)
    const reusable = req.reuse === false ? null : findReusable(ctx.views, this.testRun)
    if (reusable !== null) {
      await ctx.progress('reuse', 'done', reusable.id)
      return { ...(await this.body('reused', [])), reuses: reusable.id }
    }
    for (const step of recipe.build) {
      const outcome = await this.step('build', step, recipe)
      if (outcome.code !== 0) throw new Stop('error', `build step ${step.name} ${describe(outcome)}`)
    }
    const tests: ParsedTest[] = []
    const problems: string[] = []
    for (const step of recipe.test) {
      const outcome = await this.step('test', step, recipe)
      const parsed = await this.parse(step, outcome)
      const prefix = recipe.test.length > 1 ? `${step.name}/` : ''
      for (const t of parsed.tests) tests.push({ ...t, name: prefix + t.name })
      for (const m of parsed.metrics ?? []) this.metrics.push({ ...m, name: prefix + m.name })
      if (outcome.timedOut) problems.push(`test step ${step.name} ${describe(outcome)}`)
      else if (outcome.code !== 0 && !parsed.tests.some((t) => t.status === 'fail' || t.status === 'error')) {
        problems.push(`test step ${step.name} ${describe(outcome)} but reported no failing test`)
      }
      if (parsed.tests.length === 0 && (parsed.metrics ?? []).length === 0 && parsed.plan?.skipReason === undefined) problems.push(`test step ${step.name}: the ${step.parser} parser found no test results`)
      if (parsed.bailedOut !== undefined) problems.push(`test step ${step.name} bailed out${parsed.bailedOut === '' ? '' : `: ${parsed.bailedOut}`}`)
    }
    await this.artifacts(recipe)
    if (problems.length > 0) return await this.body('error', tests, problems.join('\n'))
    return await this.body(summarise(tests).verdict === 'fail' ? 'fail' : 'pass', tests)
  }

  /** The result body: this run's identities, logs and environment. */
  async body (verdict: ResultBody['verdict'], tests: ParsedTest[], message?: string): Promise<ResultBody> {
    const environment: Record<string, string> = { ...hostFacts(this.ctx.tags) }
    for (const [k, v] of Object.entries(this.probes)) environment[`probe.${k}`] = v.slice(0, 4096)
    if (this.ws !== null) environment.base = this.ws.base
    return {
      job: this.ctx.request.id,
      build: this.build,
      testRun: this.testRun,
      verdict,
      tests,
      logs: [...this.logs],
      environment,
      ...(message === undefined ? {} : { message: clip(message) }),
      ...(this.metrics.length === 0 ? {} : { metrics: [...this.metrics] })
    }
  }

  async cleanup (): Promise<void> {
    if (this.ws !== null) await removeWorkspace(this.ctx.cache, this.ws, this.env).catch(() => {})
    rmSync(this.ctx.dir, { recursive: true, force: true })
  }

  private checkAbort (): void {
    if (this.ctx.signal.aborted) throw new Stop('aborted', reasonOf(this.ctx.signal))
  }

  private async patches (): Promise<Buffer[]> {
    const revision = this.ctx.request.body.revision
    if (revision === undefined) return []
    const event = this.ctx.views.event(revision)
    if (event?.type !== 'series.revision') throw new Stop('error', `series revision ${revision} is not known to this runner; it must follow the feed that published it`)
    try {
      return await seriesMails(event, this.ctx.blobs)
    } catch (err) {
      if (isCairnError(err, 'PATCH_MISSING')) throw new Stop('apply-failed', err.message)
      throw err
    }
  }

  /** The job's recipe, or the one checked in at `.cairn/recipe.yaml` when the job carries none. */
  private recipe (): Recipe {
    const raw = this.ctx.request.body.recipe
    if (!isEmptyRecipe(raw)) return normaliseRecipe(raw, `recipe of job ${this.ctx.request.id.slice(0, 12)}`)
    const dir = (this.ws as Workspace).dir
    for (const name of CHECKED_IN_RECIPES) {
      const path = join(dir, name)
      if (existsSync(path)) return parseRecipeText(readFileSync(path, 'utf8'), name).recipe
    }
    throw new Stop('error', `the job has no recipe and the tree has none checked in (${CHECKED_IN_RECIPES.join(', ')})`)
  }

  private stepEnv (recipe: Recipe, step: string): Record<string, string> {
    const dir = (this.ws as Workspace).dir
    return {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: join(this.ctx.dir, 'home'),
      TMPDIR: join(this.ctx.dir, 'tmp'),
      LANG: 'C.UTF-8',
      TZ: 'UTC',
      ...recipe.env,
      [JOB_MARKER]: this.ctx.request.id,
      CAIRN_STEP: step,
      CAIRN_SOURCE: dir
    }
  }

  private async identify (recipe: Recipe): Promise<void> {
    const ws = this.ws as Workspace
    for (const [name, command] of Object.entries(recipe.probe)) {
      const out = join(this.ctx.dir, 'logs', `probe-${name}.out`)
      const outcome = await this.exec(`probe:${name}`, command, PROBE_TIMEOUT_MS, this.stepEnv(recipe, `probe:${name}`), join(this.ctx.dir, 'logs', `probe-${name}.log`), out)
      if (outcome.code !== 0) throw new Stop(outcome.aborted ? 'aborted' : 'error', `probe ${name} (${command}) ${describe(outcome)}`)
      this.probes[name] = readFileSync(out, 'utf8').trim()
    }
    const tree = await treeId(ws, this.env)
    await this.ctx.progress('identify', 'running', `tree ${tree}`)
    const nar = await narOfWorkspace(ws, join(this.ctx.dir, 'git-link'))
    const parts = recipeIdentityParts(recipe)
    this.build = buildIdentity({ source: { tree, nar }, recipe: parts.build, environment: { system: nixSystem(), probe: this.probes } }).id
    this.testRun = testRunIdentity({ build: this.build, profile: { name: this.ctx.request.body.profile, test: parts.test }, runnerClass: runnerClass(this.ctx.request.body.tags) }).id
    await this.ctx.progress('identify', 'done', `build ${this.build} test-run ${this.testRun}`)
  }

  private async step (kind: 'build' | 'test', step: Step | TestStep, recipe: Recipe): Promise<StepOutcome> {
    this.checkAbort()
    const label = `${kind}:${step.name}`
    await this.ctx.progress(label, 'running')
    const log = join(this.ctx.dir, 'logs', `${kind}-${step.name}.log`)
    const stdout = kind === 'test' ? join(this.ctx.dir, 'logs', `${kind}-${step.name}.stdout`) : undefined
    const outcome = await this.exec(label, step.run, step.timeoutMs, this.stepEnv(recipe, label), log, stdout, this.ctx.telemetryMs ?? TELEMETRY_MS)
    this.logs.push(await storeLog(this.ctx.blobs, `${kind}-${step.name}.log`, log))
    if (outcome.telemetry !== undefined) this.logs.push({ name: `telemetry/${kind}-${step.name}.json`, blob: await this.ctx.blobs.put(Buffer.from(JSON.stringify(outcome.telemetry))) })
    if (outcome.aborted) throw new Stop('aborted', reasonOf(this.ctx.signal))
    await this.ctx.progress(label, outcome.timedOut ? 'timeout' : outcome.code === 0 ? 'done' : 'failed', describe(outcome))
    return outcome
  }

  /** Run one command of the job; with `telemetryMs` > 0 its processes are sampled while it runs. */
  private async exec (label: string, command: string, timeoutMs: number, env: Record<string, string>, logPath: string, stdoutPath?: string, telemetryMs = 0): Promise<StepOutcome & { telemetry?: Telemetry }> {
    let pgid = 0
    let marker: string | null = null
    let sampler: StepTelemetry | null = null
    try {
      const outcome = await runStep({
        command,
        cwd: (this.ws as Workspace).dir,
        env,
        timeoutMs,
        logPath,
        ...(stdoutPath === undefined ? {} : { stdoutPath }),
        signal: this.ctx.signal,
        ...(this.ctx.graceMs === undefined ? {} : { graceMs: this.ctx.graceMs }),
        // Recorded before the spawn (no group yet), then with its group: the step's shell may run before this process learns it started.
        onMarker: (m) => { marker = m; this.ctx.active.add({ job: this.ctx.request.id, step: label, pgid: 0, started: Date.now(), marker: m }) },
        onStart: (id, m) => {
          pgid = id
          this.ctx.active.add({ job: this.ctx.request.id, step: label, pgid: id, started: Date.now(), marker: m })
          if (telemetryMs > 0) sampler = new StepTelemetry(label, id, m, telemetryMs)
        }
      })
      const telemetry = (sampler as StepTelemetry | null)?.stop() ?? null
      return telemetry === null ? outcome : { ...outcome, telemetry }
    } finally {
      (sampler as StepTelemetry | null)?.stop()
      const recorded = marker as string | null // set in onMarker
      if (recorded !== null) this.ctx.active.remove(recorded)
    }
  }

  /** Parse a test step's output; a parse failure is reported as the step's problem, with its message. */
  private async parse (step: TestStep, outcome: StepOutcome): Promise<ParseResult> {
    const dir = (this.ws as Workspace).dir
    const stdoutPath = join(this.ctx.dir, 'logs', `test-${step.name}.stdout`)
    try {
      if (step.output === null) return parseText(step, readFileSync(stdoutPath))
      const path = join(dir, step.output)
      if (!existsSync(path)) return { tests: [], warnings: [`${step.output} was not written`] }
      if (statSync(path).isDirectory()) {
        if (step.parser !== 'fstests' && step.parser !== 'auto') throw new Stop('error', `test step ${step.name}: output ${step.output} is a directory, which only the fstests parser reads`)
        return await parseFstestsResultsDir(path, { output: readFileSync(stdoutPath, 'utf8') })
      }
      this.logs.push(await storeLog(this.ctx.blobs, `output/${step.output}`, path))
      return parseText(step, readFileSync(path))
    } catch (err) {
      if (err instanceof Stop || !isCairnError(err)) throw err
      const why = outcome.timedOut ? ` (the step ${describe(outcome)})` : ''
      throw new Stop('error', `test step ${step.name}: ${err.message}${why}`)
    }
  }

  private async artifacts (recipe: Recipe): Promise<void> {
    if (recipe.artifacts.length === 0) return
    const { stored, skipped } = await storeArtifacts(this.ctx.blobs, (this.ws as Workspace).dir, recipe.artifacts)
    this.logs.push(...stored)
    if (skipped.length > 0) await this.ctx.progress('artifacts', 'truncated', `not kept (size or count cap): ${skipped.slice(0, 20).join(' ')}`)
  }

  private async keepText (name: string, text: string): Promise<void> {
    if (text !== '') this.logs.push({ name, blob: await this.ctx.blobs.put(Buffer.from(text, 'utf8')) })
  }
}

function parseText (step: TestStep, bytes: Buffer): ParseResult {
  return step.parser === 'auto' ? parseAuto(bytes) : parse(step.parser, bytes)
}

function describe (o: StepOutcome): string {
  if (o.timedOut) return 'timed out'
  if (o.aborted) return 'was aborted'
  if (o.signal !== null) return `was killed by ${o.signal}`
  return `exited with status ${o.code ?? '?'}`
}
