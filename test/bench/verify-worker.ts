// A worker for the node bench's reference: raw sodium-native verify on one
// thread, so N of them at once measure what N threads can verify together.
// It says when it is loaded and starts its loop when told, so thread
// start-up is not timed.
import { parentPort, workerData } from 'node:worker_threads'
import { nativeCrypto } from '../../protocol/crypto-native.js'

const { n, size } = workerData as { n: number, size: number }
const kp = nativeCrypto.keyPair()
const msg = new Uint8Array(size).fill(7)
const sig = nativeCrypto.sign(msg, kp.secretKey)
parentPort?.once('message', () => {
  for (let i = 0; i < n; i++) if (!nativeCrypto.verify(sig, msg, kp.publicKey)) throw new Error('verify failed')
  parentPort?.postMessage('done')
})
parentPort?.postMessage('ready')
