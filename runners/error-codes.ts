/** runners/' error codes, each with what it means. */
export const RUNNERS_CODES = {
  APPLY_FAILED: 'a series revision does not apply onto its base',
  BAD_DURATION: 'a duration that is not like 90s, 10m or 1h30m',
  BAD_GATE: 'a runner launch gate that cannot be used: a size, load or path that does not parse or exist, a script that is not executable',
  BASE: 'a base or ref that is not a commit of the repository',
  BASE_MISSING: 'a job with no base: neither --base, --ref nor the revision names one',
  BISECT_INCONSISTENT: 'bisect steps that do not prove a first bad commit (a flaky test, or a range not bad at its end)',
  BISECT_JOB: 'a job a bisect submitted ended without a result it can use (aborted or cancelled), or the bisect was interrupted waiting for it',
  BISECT_RANGE: 'a bisect range that is not good..bad on one first-parent line, or a bisect of a repository that is not a local clone',
  BRANCH_EXISTS: 'applying onto a branch name the repository already has',
  DIRTY: 'a repository with uncommitted changes, where applying would mix them in',
  FLOW_NO_SERIES: 'cairn flow without a series: neither --series nor a --mbox holding one',
  FLOW_UNSETTLED: 'cairn flow ended before its jobs gave results to compare (cancelled, interrupted, or the baseline errored)',
  PARSE_FIO: 'fio output that is not fio JSON (--output-format=json); the message names the line',
  PARSE_FSTESTS: 'fstests output (or results directory) that cannot be parsed',
  PARSE_JUNIT: 'JUnit XML that cannot be parsed',
  PARSE_KIND: 'a parser kind that is not one of tap, kselftest, junit, fstests, fio, sysbench, metrics',
  PARSE_KSELFTEST: 'kselftest output that cannot be parsed',
  PARSE_METRICS: 'generic metrics output with a line that is not a metric (JSON line) it claims to be; the message names the line',
  PARSE_SYSBENCH: 'sysbench output with no report, or a number in it that does not parse; the message names the line',
  PARSE_TAP: 'TAP output that cannot be parsed',
  PARSE_UNKNOWN: 'output that no parser recognises',
  PATCH_MISSING: 'a patch of the series revision that is not here; the series cannot be applied',
  RECIPE: 'a recipe that cannot be read or is not valid; the message names file:line:column',
  RECIPE_MISSING: 'no --recipe given and the repository has no checked-in recipe',
  REPO: 'a repository that cannot be used (missing, not git, cannot clone, a git step failed)',
  RESULT_UNKNOWN: 'a result id, job id or identity that names no result here',
  SERIES_AMBIGUOUS: 'a series revision prefix that matches more than one revision',
  SERIES_UNKNOWN: 'a series revision this node does not have',
  WORKDIR_LOCKED: 'another runner uses this work directory',
  WORKSPACE: 'a job workspace (git worktree) that cannot be made or read'
}

export type RunnersCode = keyof typeof RUNNERS_CODES

declare module '../protocol/errors.js' {
  interface ErrorVocabularies { runners: RunnersCode }
}
