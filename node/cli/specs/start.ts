import type { CommandSpec } from '../spec.js'

export const startSpec = {
  name: 'start',
  summary: 'run the node: index, serve direct sync, join the project swarm, serve the HTTP API and web UI; with --maintainer, publish merge decisions and submit the jobs the policy selects; with --ci, test new series and mail their verdicts; with --watch, ingest mail as it arrives; creates the home on first run',
  options: [
    { name: 'name', type: 'string', value: 'NAME', description: 'the name a new home signs as (default: your user name)' },
    { name: 'listen', type: 'string', value: 'HOST:PORT', description: 'serve direct sync here', example: '--listen 0.0.0.0:7421' },
    { name: 'swarm', type: 'boolean', description: 'join the project swarm (needs --bootstrap)' },
    { name: 'bootstrap', type: 'string', value: 'HOST:PORT', multiple: true, description: 'a DHT bootstrap node for --swarm; repeat for several', example: '--bootstrap dht.example.org:49737' },
    { name: 'reachable', type: 'boolean', description: 'with --swarm: this host is behind no NAT or firewall (its address is one peers reach directly), so peers connect to it instead of waiting for the DHT to find that out' },
    { name: 'topic', type: 'string', value: 'NAME', description: 'the swarm topic (default: "default")' },
    { name: 'http', type: 'string', value: 'HOST:PORT|off', description: 'serve the HTTP API and web UI here, or off (default: 127.0.0.1:7420)', example: '--http 127.0.0.1:8080' },
    { name: 'http-allow-remote', type: 'boolean', description: 'let non-loopback clients in (with a non-loopback --http)' },
    { name: 'http-allow-from', type: 'string', value: 'ADDR[/BITS]', multiple: true, description: 'only these remote addresses; needs --http-allow-remote', example: '--http-allow-from 10.0.0.0/8' },
    { name: 'http-host', type: 'string', value: 'NAME', multiple: true, description: 'with --http-allow-from: a host name remote clients use for this node (the Host check accepts it besides loopback names and IP literals)', example: '--http-host cairn.lab.example' },
    { name: 'blob-cache-mb', type: 'string', value: 'MB|whole', description: 'fetch other nodes\' blobs (diffs, logs, raw mails) when a page or command reads them instead of replicating them whole, and keep at most MB of them, least recently read evicted first (own blobs always stay); the default of a node that follows by interest (1024 MB); whole: carry blobs cores whole, the default of the others', example: '--blob-cache-mb 2048' },
    { name: 'maintainer', type: 'boolean', description: 'publish merge decisions and submit the jobs the policy selects' },
    { name: 'jobs-repo', type: 'string', value: 'PATH|URL', description: 'with --maintainer: the repository auto-submitted jobs name' },
    { name: 'jobs-tags', type: 'string', value: 'T1,T2', description: 'with --maintainer: the tags auto-submitted jobs carry' },
    { name: 'ci', type: 'string', value: 'FILE', description: 'run CI as this configuration says: jobs for every new matching revision, one verdict mail each (docs/policy.md)', example: '--ci ~/ci/ci.yaml' },
    { name: 'watch', type: 'string', value: 'maildir:DIR|public-inbox:DIR', multiple: true, description: 'ingest new mail as it arrives here; repeat for several', example: '--watch maildir:~/Maildir/lkml' }
  ],
  examples: ['cairn start --listen 0.0.0.0:7421', 'cairn start --maintainer --jobs-repo ~/src/linux --jobs-tags x86_64', 'cairn start --ci ci.yaml --watch maildir:~/Maildir/xfs']
} as const satisfies CommandSpec
