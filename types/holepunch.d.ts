// Minimal declarations for the Holepunch modules cairn uses (they ship no types
// and DefinitelyTyped has none). Only what cairn calls is declared.

declare module 'sodium-native' {
  const sodium: {
    crypto_sign_keypair (pk: Uint8Array, sk: Uint8Array): void
    crypto_sign_seed_keypair (pk: Uint8Array, sk: Uint8Array, seed: Uint8Array): void
    crypto_sign_detached (sig: Uint8Array, m: Uint8Array, sk: Uint8Array): void
    crypto_sign_verify_detached (sig: Uint8Array, m: Uint8Array, pk: Uint8Array): boolean
    crypto_generichash (out: Uint8Array, input: Uint8Array, key?: Uint8Array): void
    crypto_generichash_batch (out: Uint8Array, inputs: Uint8Array[], key?: Uint8Array): void
    randombytes_buf (buf: Uint8Array): void
  }
  export default sodium
}

declare module 'hypercore' {
  import type { EventEmitter } from 'node:events'
  import type { Duplex } from 'node:stream'
  export interface Download { done (): Promise<void>, destroy (): void }
  export default class Hypercore extends EventEmitter {
    readonly key: Buffer
    readonly discoveryKey: Buffer
    readonly length: number
    readonly contiguousLength: number
    readonly byteLength: number
    readonly writable: boolean
    readonly closed: boolean
    readonly fork: number
    readonly peers: Array<{ remotePublicKey: Buffer }>
    ready (): Promise<void>
    close (): Promise<void>
    append (blocks: Uint8Array | Uint8Array[]): Promise<{ length: number, byteLength: number }>
    get (index: number, opts?: { wait?: boolean, timeout?: number }): Promise<Buffer | null>
    has (start: number, end?: number): Promise<boolean>
    /** Free the local copy of blocks [start, end) (end: start + 1); the core keeps its length and can fetch them again from a peer. */
    clear (start: number, end?: number): Promise<unknown>
    update (opts?: { wait?: boolean, force?: boolean }): Promise<boolean>
    download (range?: { start?: number, end?: number, linear?: boolean }): Download
    findingPeers (): () => void
    replicate (isInitiator: boolean | Duplex, opts?: object): Duplex
  }
}

declare module 'corestore' {
  import type { Duplex } from 'node:stream'
  import type Hypercore from 'hypercore'
  export default class Corestore {
    constructor (storage: string, opts?: { primaryKey?: Uint8Array, writable?: boolean, readOnly?: boolean })
    ready (): Promise<void>
    close (): Promise<void>
    get (opts: { name: string } | { key: Uint8Array, writable?: boolean }): Hypercore
    /** What the store holds to open the core of this discovery key; null when it holds nothing of it. */
    getAuth (discoveryKey: Uint8Array): Promise<object | null>
    replicate (stream: Duplex | boolean, opts?: object): Duplex
  }
}

declare module 'hypercore-crypto' {
  export function discoveryKey (publicKey: Uint8Array): Buffer
}

declare module '@hyperswarm/secret-stream' {
  import { Duplex } from 'node:stream'
  export default class NoiseSecretStream extends Duplex {
    constructor (isInitiator: boolean, rawStream: Duplex | null, opts?: { keyPair?: { publicKey: Uint8Array, secretKey: Uint8Array } })
    readonly isInitiator: boolean
    readonly publicKey: Buffer | null
    readonly remotePublicKey: Buffer | null
    /** The plain transport under the Noise layer (the side to pipe to a peer). */
    readonly rawStream: Duplex
    readonly opened: Promise<boolean>
    userData: unknown
  }
}

declare module 'protomux' {
  import type { Duplex } from 'node:stream'
  export interface Encoding<T> { preencode (state: unknown, m: T): void, encode (state: unknown, m: T): void, decode (state: unknown): T }
  export interface Message<T> { send (m: T): boolean }
  export interface Channel {
    readonly opened: boolean
    addMessage<T> (opts: { encoding: Encoding<T>, onmessage: (m: T) => void }): Message<T>
    open (handshake?: unknown): void
    close (): void
  }
  export default class Protomux {
    static from (stream: Duplex): Protomux
    createChannel (opts: { protocol: string, id?: Uint8Array | null, unique?: boolean, onopen?: () => void, onclose?: () => void, ondestroy?: () => void }): Channel | null
  }
}

declare module 'compact-encoding' {
  import type { Encoding } from 'protomux'
  export const buffer: Encoding<Uint8Array | null>
  export const raw: Encoding<Uint8Array>
  export const json: Encoding<unknown>
}

declare module 'hyperdht' {
  export default class HyperDHT {
    constructor (opts?: { bootstrap?: Array<{ host: string, port: number } | string>, host?: string, port?: number, ephemeral?: boolean, firewalled?: boolean })
    /** A first node that needs no other: it listens on `port` and announces `host` (an IPv4 address) as its own. */
    static bootstrapper (port: number, host: string, opts?: { host?: string }): HyperDHT
    fullyBootstrapped (): Promise<void>
    address (): { host: string, port: number } | null
    destroy (): Promise<void>
  }
}

declare module 'hyperdht/testnet.js' {
  import type HyperDHT from 'hyperdht'
  export interface Testnet { bootstrap: Array<{ host: string, port: number }>, nodes: HyperDHT[], destroy (): Promise<void> }
  export default function createTestnet (size?: number, opts?: { host?: string, teardown?: (fn: () => Promise<void>) => void } | ((fn: () => Promise<void>) => void)): Promise<Testnet>
}

declare module 'hyperswarm' {
  import type { EventEmitter } from 'node:events'
  import type HyperDHT from 'hyperdht'
  import type NoiseSecretStream from '@hyperswarm/secret-stream'
  export interface PeerDiscovery { flushed (): Promise<void>, refresh (opts?: { server?: boolean, client?: boolean }): Promise<void>, destroy (): Promise<void> }
  export default class Hyperswarm extends EventEmitter {
    constructor (opts?: { dht?: HyperDHT, keyPair?: { publicKey: Uint8Array, secretKey: Uint8Array } })
    readonly connections: Set<NoiseSecretStream>
    join (topic: Uint8Array, opts?: { server?: boolean, client?: boolean }): PeerDiscovery
    flush (): Promise<void>
    destroy (): Promise<void>
    on (event: 'connection', listener: (conn: NoiseSecretStream, info: { publicKey: Buffer }) => void): this
  }
}
