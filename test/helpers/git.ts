/**
 * git with no user or system config and a fixed identity and clock, so
 * commits, patch-ids and mails are the same on every run and machine.
 */
export function gitEnv (opts: { date?: string, name?: string, email?: string } = {}): NodeJS.ProcessEnv {
  const date = opts.date ?? '2025-01-01T00:00:00Z'
  const name = opts.name ?? 'Dev One'
  const email = opts.email ?? 'dev@example.org'
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    LC_ALL: 'C'
  }
}
