import { canonicalPolicy, policyHash } from '../../../machines/policy-file.js'
import type { Decision } from '../../../machines/decide.js'
import { decideRevision } from '../../policy/decide.js'
import { DiffCache } from '../../policy/diffs.js'
import type { PolicySource } from '../../policy/files.js'
import { requirePolicy } from '../../policy/files.js'
import { resolveRevision } from '../../policy/revision.js'
import { setHomePolicy } from '../../policy/set.js'
import { checkDecision } from '../../policy/verify.js'
import { decisionsFor, findDecision } from '../../views/decisions.js'
import type { Args, Command, Context } from '../command.js'
import { usageError, withNodeToRead } from '../command.js'
import type { policySpec } from '../specs/review.js'

type Subs = (typeof policySpec)['subcommands']

/** `--repo DIR` reads that repository's .cairn/policy.yaml; otherwise the node's own (cairn policy set). */
export function sourceOf (ctx: Context, repo: string | undefined): PolicySource {
  return repo === undefined ? { kind: 'home', home: ctx.home } : { kind: 'repo', repo }
}

async function show (ctx: Context, { values }: Args<Subs[0]>): Promise<void> {
  const read = requirePolicy(sourceOf(ctx, values.repo))
  const hash = policyHash(read.policy)
  if (values.json === true) {
    ctx.io.out(JSON.stringify({ origin: read.origin, hash, policy: canonicalPolicy(read.policy), text: read.text }))
    return
  }
  ctx.io.out(`# ${read.origin}`)
  ctx.io.out(`# policy hash ${hash}`)
  if (read.policy.maintainers !== null) ctx.io.out(`# maintainers ${read.policy.maintainers.file} (sha256 ${read.policy.maintainers.digest ?? '?'})`)
  ctx.io.out(read.text.replace(/\n$/, ''))
}

function set (ctx: Context, { values, positionals }: Args<Subs[1]>): void {
  let from: PolicySource
  if (values.repo !== undefined) {
    if (values.maintainers !== undefined) throw usageError('--maintainers goes with FILE; with --repo the MAINTAINERS path in the policy is read from the repository')
    if (positionals[0] !== undefined) throw usageError(`give FILE ("${positionals[0]}") or --repo DIR, not both`)
    from = { kind: 'repo', repo: values.repo }
  } else {
    const file = positionals[0]
    if (file === undefined) throw usageError('policy set needs FILE or --repo DIR')
    from = { kind: 'file', path: file, ...(values.maintainers === undefined ? {} : { maintainers: values.maintainers }) }
  }
  if (from.kind === 'repo') requirePolicy(from) // NO_POLICY with advice when the repo has none
  const done = setHomePolicy(ctx.home, from)
  const what = done.previousHash === null ? 'set' : done.previousHash === done.hash ? 'unchanged' : `replaced ${done.previousHash.slice(0, 12)}`
  ctx.io.out(`policy ${done.hash.slice(0, 12)} ${what} (from ${done.read.origin})`)
}

async function check (ctx: Context, { values, positionals }: Args<Subs[2]>): Promise<void> {
  const read = requirePolicy(sourceOf(ctx, values.repo))
  const version = values.version
  await withNodeToRead(ctx, async (node) => {
    const { series, revision } = resolveRevision(node.views, positionals[0] as string, version)
    const decision = await decideRevision(node.views, new DiffCache(node.blobs), read.policy, revision)
    const published = decisionsFor(node.views, revision.id).map((e) => ({ id: e.id, author: e.author, ts: e.ts, verdict: e.body.verdict, state: e.body.state, policyHash: e.body.policyHash }))
    if (values.json === true) {
      ctx.io.out(JSON.stringify({ series: series.id, project: revision.body.project, version: revision.body.version, ...decision, policyOrigin: read.origin, published }))
      return
    }
    ctx.io.out(`${series.id} v${revision.body.version} (revision ${revision.id.slice(0, 12)}, project ${revision.body.project})`)
    printDecision(ctx, decision)
    ctx.io.out(`policy   ${decision.policyHash.slice(0, 12)} (${read.origin})`)
    for (const p of published) ctx.io.out(`published ${p.id.slice(0, 12)} by ${p.author.slice(0, 12)}: ${p.verdict} (${p.state})`)
  })
}

function printDecision (ctx: Context, d: Decision): void {
  ctx.io.out(`verdict  ${d.verdict}`)
  ctx.io.out(`state    ${d.state}`)
  for (const r of d.reasons) ctx.io.out(`  - ${r}`)
}

async function verify (ctx: Context, { values, positionals }: Args<Subs[3]>): Promise<void> {
  const read = requirePolicy(sourceOf(ctx, values.repo))
  await withNodeToRead(ctx, async (node) => {
    const decision = findDecision(node.views, positionals[0] as string)
    const result = await checkDecision(node.views, new DiffCache(node.blobs), decision, read.policy, { asMade: values['as-made'] === true })
    if (!result.ok) process.exitCode = 1
    if (values.json === true) {
      ctx.io.out(JSON.stringify({ decision: decision.id, author: decision.author, ok: result.ok, mode: result.mode, problems: result.problems, claimed: decision.body, replay: result.replay }))
      return
    }
    const against = result.mode === 'as-made' ? 'its listed inputs only' : 'every event this node holds'
    ctx.io.out(`decision ${decision.id.slice(0, 12)} by ${decision.author.slice(0, 12)} on revision ${decision.body.revision.slice(0, 12)}: ${decision.body.verdict} (${decision.body.state})`)
    if (result.ok) {
      ctx.io.out(`holds: replayed over ${against} with ${read.origin}`)
      return
    }
    ctx.io.out(`does not hold (replayed over ${against} with ${read.origin}):`)
    for (const p of result.problems) ctx.io.out(`  - ${p}`)
    if (result.mode === 'now') ctx.io.out('  (a decision later events overturned no longer holds; --as-made checks it against its own inputs)')
  })
}

export const policy: Command = { subcommands: { show, set, check, verify } }
