/** protocol/'s error codes, each with what it means; protocol/errors.ts registers them. */
export const PROTOCOL_CODES = {
  BUILD_IDENTITY: 'a build or test-run identity field is missing or not in its canonical form',
  CANONICAL: 'a value cannot be encoded canonically (not plain data, or a number msgpack would not round-trip)',
  DECODE: 'bytes are not exactly one msgpack value',
  INVALID_SIGNATURE: 'an event\'s signature does not verify for its author',
  MALFORMED: 'a signed event or block does not have the wire shape (maps, byte lengths, field types)',
  NIX_BASE32: 'a string is not nix-base32 (bad character, length or padding bits)',
  SCHEMA: 'an event body (or a request body) does not match its type\'s schema; the message names the field',
  UNKNOWN_TYPE: 'an event type this version of cairn does not know',
  UNKNOWN_VERSION: 'an event version this node cannot read'
}

export type ProtocolCode = keyof typeof PROTOCOL_CODES
