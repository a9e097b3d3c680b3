import test from 'brittle'
import { BISECT_SCHEME, bisectProblems, outcomeOfStatus, outcomeOfVerdict, settleRuns } from '../../protocol/bisect.js'
import type { BisectBody, BisectOutcome } from '../../protocol/bisect.js'

const C = (n: number): string => String(n).repeat(40)

test('bisect: a test status and a verdict as a step', (t) => {
  t.is(outcomeOfStatus('pass'), 'good')
  t.is(outcomeOfStatus('xfail'), 'good')
  t.is(outcomeOfStatus('fail'), 'bad')
  t.is(outcomeOfStatus('xpass'), 'bad')
  t.is(outcomeOfStatus('skip'), 'skip')
  t.is(outcomeOfStatus(undefined), 'skip', 'a test the run does not have says nothing')
  t.is(outcomeOfVerdict('error'), 'skip', 'a failed build is skipped, as in git bisect')
  t.is(outcomeOfVerdict('fail'), 'bad')
})

test('bisect: runs that disagree settle only by a clear majority', (t) => {
  t.is(settleRuns([]), null)
  const split: BisectOutcome[] = ['bad', 'good']
  t.alike(settleRuns(['bad']), { outcome: 'bad', flaky: false })
  t.is(settleRuns(split), null, 'two runs that disagree ask for a third')
  t.alike(settleRuns(['bad', 'good', 'good']), { outcome: 'good', flaky: true }, 'two of three settle it, marked flaky')
  t.is(settleRuns(['bad', 'good', 'good', 'bad']), null, 'a tie asks for another run')
  t.is(settleRuns(['bad', 'good', 'skip']), null, 'no majority')
  t.alike(settleRuns(['bad', 'good', 'bad', 'good', 'skip']), { outcome: 'skip', flaky: true }, 'still split after the cap: a flaky skip')
})

test('bisect: the steps must prove the first bad commit', (t) => {
  const order = [1, 2, 3, 4, 5].map(C) // good is C(0), bad C(5)
  const body: BisectBody = {
    scheme: BISECT_SCHEME, project: 'p', repo: '/r', good: C(0), bad: C(5), recipe: {}, profile: 'default', tags: [], commits: 5,
    steps: [{ commit: C(3), outcome: 'bad', results: [] }, { commit: C(2), outcome: 'good', results: [] }],
    firstBad: C(3)
  }
  t.alike(bisectProblems(body, order), [])
  t.alike(bisectProblems({ ...body, firstBad: C(4) }, order), ['first bad commit 444444444444 has no bad step', 'its parent 333333333333 has no good step', 'step 333333333333 is bad before the first bad commit'])
  t.ok(bisectProblems({ ...body, steps: [...body.steps, { commit: C(9), outcome: 'good', results: [] }] }, order)[0]?.includes('is not in'), 'a step outside the range')
  t.alike(bisectProblems({ ...body, firstBad: C(1), steps: [{ commit: C(1), outcome: 'bad', results: [] }] }, order), [], "the range's good end is the parent of its first commit")
  t.alike(bisectProblems({ ...body, firstBad: undefined }, order), ['neither a first bad commit nor the candidates skips left'])
})
