/*
 * machines/: pure policy. Events, trust and the caller's path maps in;
 * states, verdicts, reasons and intents out. No I/O, no clock, no actors:
 * every machine is replayed with XState's pure initialTransition/transition.
 */
export { decide, verifyDecision } from './decide.js'
export type { Decision, DecideInput, Verification } from './decide.js'
export type { DecideContext, Gathered } from './facts.js'
export { gatherFacts, requirements, WITHDRAW_TRAILER } from './facts.js'

export { loadPolicy, parsePolicy, policyHash, canonicalPolicy, withMaintainers, DEFAULT_APPROVAL_TRAILERS } from './policy-file.js'
export type { Policy, LoadedPolicy, PathRule, ReviewRule, ReviewRole, SelectionRule, MaintainersRef } from './policy-file.js'
export { parseMaintainers, maintainerEmails } from './maintainers.js'
export type { Maintainers, MaintainerSection } from './maintainers.js'

export { foldTrust, foldIdentities, parsePerson, hasRole } from './trust.js'
export type { Trust, Identities, Identity, Person } from './trust.js'
export { patchId, pathsFromDiff } from './diff.js'
export { compareEvents, orderEvents } from './order.js'

export { revisionLifecycle, foldLifecycle, stateName } from './revision-lifecycle.js'
export { mergePolicy, foldMergePolicy, checksOf, verdictOf, MERGE_POLICY_MACHINE, MERGE_POLICY_VERSION } from './merge-policy.js'
export type { Verdict, PolicyChecks } from './merge-policy.js'
export type { Fact, Requirements, ReviewRequirement, RevisionContext, RevisionInput } from './revision-context.js'
export { testSelection, selectProfiles, jobDrafts, selectJobs } from './test-selection.js'
export type { JobTemplate, SelectionInput, SelectionEvent } from './test-selection.js'
export { jobLifecycle, foldJob } from './job-lifecycle.js'
export type { JobEvent, JobInput, JobState } from './job-lifecycle.js'
