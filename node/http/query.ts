import type { FastifyInstance, FastifySchemaValidationError, RouteOptions } from 'fastify'
import { CairnError } from '../../protocol/errors.js'

/** A querystring schema that refuses unknown parameters: a typo must not silently widen a filter. */
export function strictQuery (properties: Record<string, unknown>): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, properties }
}

export const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const

/** The web UI's files: a browser may add parameters of its own to them. */
const STATIC = /^\/(ui\/|vendor\/|favicon\.ico$|$)/

/**
 * Every route refuses query parameters it does not take, even one that takes
 * none, and says which parameter and what it takes instead of Ajv's
 * "querystring must NOT have additional properties". Call before any route
 * is added.
 */
export function refuseUnknownQuery (app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (STATIC.test(route.url)) return
    const schema = (route.schema ?? {}) as { querystring?: { properties?: Record<string, unknown> } }
    if (schema.querystring === undefined) route.schema = { ...route.schema, querystring: strictQuery({}) }
    const taken = Object.keys((route.schema as typeof schema).querystring?.properties ?? {})
    route.schemaErrorFormatter = (errors, dataVar) => queryError(errors, dataVar, route.url, taken)
  })
}

function queryError (errors: FastifySchemaValidationError[], dataVar: string, url: string, taken: readonly string[]): Error {
  const first = errors[0]
  const params = (first?.params ?? {}) as { additionalProperty?: unknown }
  if (dataVar === 'querystring' && first?.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    const takes = taken.length === 0 ? 'it takes none' : `it takes ${taken.join(', ')}`
    return new CairnError('BAD_QUERY', `unknown query parameter "${params.additionalProperty}" for ${url}: ${takes}`)
  }
  // Fastify's own wording otherwise ("querystring/limit must be ..."): it names the parameter.
  const where = first === undefined ? dataVar : `${dataVar}${first.instancePath}`
  return new Error(`${where} ${first?.message ?? 'is invalid'}`)
}
