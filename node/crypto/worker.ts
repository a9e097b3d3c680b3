// Runs in a worker thread: the CPU-bound half of signing and indexing
// (ed25519 sign and verify, blake2b ids, msgpack, schema checks), so a node
// uses every core. Messages and replies are plain objects (structured clone).
import { parentPort } from 'node:worker_threads'
import { nativeCrypto } from '../../protocol/crypto-native.js'
import { openBlock, reopenBlock, sealPayloads } from './jobs.js'
import type { Job } from './jobs.js'

parentPort?.on('message', ({ id, job }: { id: number, job: Job }) => {
  try {
    const result = job.op === 'open'
      ? openBlock(job.block, job.feed, job.seq, nativeCrypto)
      : job.op === 'reopen' ? reopenBlock(job.block, job.feed, job.seq, [], nativeCrypto)
        : job.op === 'seal' ? sealPayloads(job.payloads, job.secretKey, nativeCrypto) : null
    parentPort?.postMessage({ id, result })
  } catch (err) {
    parentPort?.postMessage({ id, error: (err as Error).message, code: (err as { code?: string }).code })
  }
})
