// Watches a node's /api/stream from another process (in tests, on another
// host): one JSON line {event, data} per server-sent event, as it arrives.
// argv: the node's HTTP base URL.
import { request } from 'node:http'

const base = new URL(process.argv[2] ?? '')
const req = request(new URL('api/stream', base), { headers: { accept: 'text/event-stream' } }, (res) => {
  let buf = ''
  res.setEncoding('utf8')
  res.on('data', (chunk: string) => {
    buf += chunk
    for (let end = buf.indexOf('\n\n'); end !== -1; end = buf.indexOf('\n\n')) {
      const block = buf.slice(0, end)
      buf = buf.slice(end + 2)
      let event = 'message'
      let data = ''
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7)
        else if (line.startsWith('data: ')) data += line.slice(6)
      }
      if (data !== '') process.stdout.write(JSON.stringify({ event, data: JSON.parse(data) as unknown }) + '\n')
    }
  })
  res.on('end', () => process.exit(0))
})
req.on('error', (err) => { process.stderr.write(`sse-child: ${err.message}\n`); process.exit(1) })
req.end()
