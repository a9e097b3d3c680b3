// One HTTP route's cost on a home, in one process (issue 12: memory by what a
// request does): `node --expose-gc dist/test/bench/route-cost.js HOME URL [OUT]`.
// The home is opened read-only; prints the CPU around the request, the heap
// kept after a gc and the process's max RSS; OUT gets the answer's body.
import { writeFileSync } from 'node:fs'
import { createHttpApp } from '../../node/http/server.js'
import { CairnNode } from '../../node/node.js'

const [home, url, out] = process.argv.slice(2)
if (home === undefined || url === undefined) throw new Error('usage: route-cost.js HOME URL [OUT]')
const node = await CairnNode.open(home, { readOnly: true })
const app = createHttpApp(node, { token: 'bench' })
const start = process.cpuUsage()
const res = await app.inject({ url, headers: { host: 'localhost' } })
const cpu = process.cpuUsage(start)
if (out !== undefined) writeFileSync(out, res.body)
;(globalThis as { gc?: () => void }).gc?.()
const heap = process.memoryUsage().heapUsed
await app.close()
await node.close()
console.log(JSON.stringify({ status: res.statusCode, bytes: res.body.length, cpuS: (cpu.user + cpu.system) / 1e6, heapMB: Math.round(heap / 1e6), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }))
