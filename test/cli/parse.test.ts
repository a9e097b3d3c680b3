import test from 'brittle'
import { parseCommand } from '../../node/cli/parse.js'
import { JOB_STATE_NAMES } from '../../node/cli/specs/jobs.js'
import { logSpec, idSpec } from '../../node/cli/specs/node.js'
import { didYouMean, editDistance } from '../../node/cli/suggest.js'
import { JOB_STATES } from '../../node/views/jobs.js'

test('edit distance counts an adjacent swap as one', (t) => {
  t.is(editDistance('limit', 'limit'), 0)
  t.is(editDistance('limt', 'limit'), 1)
  t.is(editDistance('stauts', 'status'), 1)
  t.is(editDistance('abc', 'xyz'), 3)
  t.is(didYouMean('lmit', ['json', 'limit']), '; did you mean limit?')
  t.is(didYouMean('frobnicate', ['json', 'limit']), '', 'nothing close: no suggestion')
})

test('parseCommand: values typed by the spec, --x=v, --, defaults, help', (t) => {
  const p = parseCommand(logSpec, ['--limit=3', '--type', 'note', '--json'])
  t.alike(p.values, { limit: 3, type: 'note', json: true })
  t.is(p.help, false)
  t.alike(parseCommand(idSpec, ['publish', '--email', 'a@b', '--email', 'c@d']).values, { email: ['a@b', 'c@d'] })
  t.is(parseCommand(idSpec, ['--json']).path.length, 1, 'id runs bare beside its subcommand')
  t.is(parseCommand(logSpec, ['--bogus', '--help']).help, true, '--help wins over errors')
  t.exception(() => parseCommand(logSpec, ['--', '--json']), /unexpected argument "--json"/, 'after -- everything is an argument')
})

test('the spec lists the job states the views know', (t) => {
  t.alike([...JOB_STATE_NAMES], [...JOB_STATES])
})
