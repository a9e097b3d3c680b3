import test from 'brittle'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { takePidLock } from '../../node/storage/pid-lock.js'
import { CairnError, isCairnError } from '../../protocol/errors.js'

const refuse = (pid: number): CairnError => new CairnError('HOME_LOCKED', `held by pid ${pid}`)
const NO_SUCH_PID = 4194304 + 12345 // above Linux's pid_max: never a live process

test('takePidLock() writes our pid and the release removes the file', async (t) => {
  const path = join(await t.tmp(), 'x.lock')
  const release = takePidLock(path, refuse)
  t.is(readFileSync(path, 'utf8'), String(process.pid))
  release()
  t.absent(existsSync(path))
})

test('takePidLock() refuses a lock held by a live process, naming its pid', async (t) => {
  const path = join(await t.tmp(), 'x.lock')
  writeFileSync(path, String(process.ppid)) // our parent: alive, and not us
  try {
    takePidLock(path, refuse)
    t.fail('a live holder must be refused')
  } catch (err) {
    t.ok(isCairnError(err, 'HOME_LOCKED'), (err as Error).message)
    t.ok((err as Error).message.includes(String(process.ppid)))
  }
})

test('takePidLock() refuses a second take in the same process', async (t) => {
  const path = join(await t.tmp(), 'x.lock')
  const release = takePidLock(path, refuse)
  t.exception(() => takePidLock(path, refuse), /held by pid/)
  release()
  takePidLock(path, refuse)()
})

test('takePidLock() takes over a lock whose process is gone, or a garbled one', async (t) => {
  const dir = await t.tmp()
  for (const [name, content] of [['dead', String(NO_SUCH_PID)], ['garbled', 'not a pid'], ['reused', String(process.pid)]]) {
    const path = join(dir, `${name}.lock`)
    writeFileSync(path, content as string) // 'reused': our pid, left by an earlier process (a restarted container), not taken by us
    const release = takePidLock(path, refuse)
    t.is(readFileSync(path, 'utf8'), String(process.pid), name as string)
    release()
  }
})
