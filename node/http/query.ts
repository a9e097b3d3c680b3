/** A querystring schema that refuses unknown parameters: a typo must not silently widen a filter. */
export function strictQuery (properties: Record<string, unknown>): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, properties }
}

export const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const
