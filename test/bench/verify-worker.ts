// A worker for the node bench's reference: raw sodium-native verify on one
// thread, so N of them at once measure what N threads can verify together.
import { parentPort, workerData } from 'node:worker_threads'
import { nativeCrypto } from '../../protocol/crypto-native.js'

const { n, size } = workerData as { n: number, size: number }
const kp = nativeCrypto.keyPair()
const msg = new Uint8Array(size).fill(7)
const sig = nativeCrypto.sign(msg, kp.secretKey)
const t0 = performance.now()
for (let i = 0; i < n; i++) if (!nativeCrypto.verify(sig, msg, kp.publicKey)) throw new Error('verify failed')
parentPort?.postMessage(performance.now() - t0)
