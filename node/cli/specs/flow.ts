import type { CommandSpec } from '../spec.js'
import { JSON_OPTION } from '../spec.js'

/* From a ref and a series to a verdict in one command. */

export const flowSpec = {
  name: 'flow',
  summary: 'test a series against its base in one step: ingest, baseline, series job, a local runner if needed, comparison, verdict',
  options: [
    { name: 'repo', type: 'string', value: 'DIR|URL', required: true, description: 'the repository to test in', example: '--repo ~/src/linux' },
    { name: 'series', type: 'string', value: 'ID', description: 'the series or revision to test (already here)' },
    { name: 'mbox', type: 'string', value: 'FILE', description: 'ingest this mbox first and test the series it holds' },
    { name: 'base', type: 'string', value: 'REF', description: "apply onto this ref (default: the series' base-commit)" },
    { name: 'recipe', type: 'string', value: 'FILE', description: "the recipe (default: the tree's .cairn/recipe.yaml)" },
    { name: 'profile', type: 'string', value: 'NAME', description: 'which profile of the recipe' },
    { name: 'tags', type: 'string', value: 'T1,T2', description: 'runners must serve all these tags' },
    { name: 'workdir', type: 'string', value: 'DIR', description: 'where a local runner works (default: HOME/runner)' },
    JSON_OPTION
  ],
  examples: ['cairn flow --repo ~/src/linux --mbox fix.mbox', 'cairn flow --repo ~/src/linux --series 20240101-foo --base v6.9']
} as const satisfies CommandSpec
