/**
 * `npm run build`'s last step: dist/node/cli/main.js becomes one file with
 * the modules every command loads before it runs (node/cli/ itself: parse,
 * help, the specs, the registry), since Node's ESM loader pays per module
 * (about 30 ms of `cairn --help`'s start-up for its 25). Everything else stays a
 * module of its own, imported from the bundle by the same relative path: the
 * commands (still loaded only when they run) and what they share with the
 * front, such as protocol/errors.js, whose CairnError must be one class.
 * Without this step (tsc alone) main.js runs the same, unbundled.
 */
import { build } from 'esbuild'
import { join, relative, resolve, sep } from 'node:path'

const cli = resolve('dist', 'node', 'cli')
const entry = join(cli, 'main.js')
const inFront = (path: string): boolean => path.startsWith(cli + sep) && !path.startsWith(join(cli, 'commands') + sep)

await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true, // chains tsc's maps: stack traces still name the .ts lines
  logLevel: 'warning',
  plugins: [{
    name: 'front-only',
    setup (b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined
        if (!args.path.startsWith('.')) return { path: args.path, external: true } // packages and node: builtins
        const path = resolve(args.resolveDir, args.path)
        if (inFront(path)) return undefined
        const fromMain = relative(cli, path).split(sep).join('/')
        return { path: fromMain.startsWith('.') ? fromMain : `./${fromMain}`, external: true }
      })
    }
  }]
})
