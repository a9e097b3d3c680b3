import type { EventJson } from './api.js'
import { short } from './dom.js'

type Body = Record<string, unknown>
const s = (v: unknown): string => typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v)

/** One line saying what an event is about, per type; unknown types show their body. */
export function summary (e: EventJson): string {
  const b: Body = e.body
  switch (e.type) {
    case 'note': return (s(b.subject) !== '' ? `${s(b.subject)}: ` : '') + (s(b.text).split('\n')[0] ?? '')
    case 'series.revision': return `[${s(b.project)}] v${s(b.version)} ${s(b.subject)}`
    case 'review': {
      const trailers = Array.isArray(b.trailers) ? (b.trailers as Array<{ key: string, value: string }>).map((t) => `${t.key}: ${t.value}`) : []
      const target = b.target as { revision?: string, patch?: number } | undefined
      return `${trailers.join(', ') || 'comment'} on ${short(target?.revision ?? '')}${target?.patch !== undefined ? ` patch ${target.patch}` : ''}`
    }
    case 'job.request': return `${s(b.profile)} on ${s(b.project)} @ ${s(b.base).slice(0, 12)}`
    case 'job.claim': return `claim ${short(s(b.job))}`
    case 'job.progress': return `${short(s(b.job))} ${s(b.step)}: ${s(b.state)}`
    case 'result': return `${s(b.verdict)} ${Array.isArray(b.tests) ? b.tests.length : 0} tests, build ${s(b.build).slice(0, 16)}`
    case 'decision': return `${s(b.verdict)} (${s(b.state)}) for ${short(s(b.revision))}`
    case 'merge': return `merged ${short(s(b.revision))} into ${s(b.branch)} at ${s(b.commit).slice(0, 12)}`
    case 'trust.set': return `${b.revoked === true ? 'revoke' : 'trust'} ${short(s(b.subject))} ${Array.isArray(b.roles) ? b.roles.join(',') : ''}`
    case 'identity.link': return `${s(b.name)} ${Array.isArray(b.emails) ? b.emails.join(', ') : ''}`.trim()
    case 'mail.raw': return `${s(b.subject)} (${s(b.reason)})`
    case 'bisect': return `${s(b.test) || 'verdict'}: ${b.firstBad === undefined ? 'no single first bad commit' : `first bad ${s(b.firstBad).slice(0, 12)}`} in ${s(b.good).slice(0, 12)}..${s(b.bad).slice(0, 12)}`
    default: return JSON.stringify(b).slice(0, 160)
  }
}

/** Every type the protocol defines (protocol/schemas.ts), for filters. */
export const EVENT_TYPES = ['identity.link', 'trust.set', 'note', 'series.revision', 'review', 'job.request', 'job.claim', 'job.progress', 'result', 'decision', 'merge', 'bisect', 'mail.raw']
