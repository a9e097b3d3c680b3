/** machines/' error codes, each with what it means. */
export const MACHINES_CODES = {
  GLOB: 'a glob (policy path, series filter, ingest match) that is malformed or too large to match in bounded time',
  DECIDE: 'decide() was not given what a revision\'s decision needs (its events, its touched paths)',
  MACHINE: 'a state machine replay cannot run (unnamed guards, context that differs from the reducer\'s)',
  MAINTAINERS: 'a MAINTAINERS file entry that cannot be used (e.g. an invalid N: regular expression)',
  POLICY: 'a policy file or CI configuration (ci.yaml) that cannot be read or is not valid; the message names the line'
}

export type MachinesCode = keyof typeof MACHINES_CODES

declare module '../protocol/errors.js' {
  interface ErrorVocabularies { machines: MachinesCode }
}
