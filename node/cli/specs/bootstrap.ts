import type { CommandSpec } from '../spec.js'

export const bootstrapSpec = {
  name: 'bootstrap',
  summary: "run a site's own DHT bootstrap node, so `cairn start --swarm --bootstrap HOST:PORT` never needs the public DHT; runs until SIGINT/SIGTERM (needs no home)",
  options: [
    { name: 'listen', type: 'string', value: 'HOST:PORT', required: true, description: "the IPv4 address other hosts reach this one by, and a fixed UDP port: the node announces it, and nodes give it as --bootstrap", example: '--listen 10.0.0.1:49737' }
  ],
  examples: ['cairn bootstrap --listen 10.0.0.1:49737', 'cairn start --swarm --bootstrap 10.0.0.1:49737 --topic linux-xfs']
} as const satisfies CommandSpec
