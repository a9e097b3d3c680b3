/**
 * A TAP 13/14 YAML block under a test point: collected line by line until
 * `...`, then kept as the test's detail (its `duration_ms` becomes the
 * test's duration).
 */
import { dedent } from './detail.js'
import { indentOf } from './tap-line.js'
import type { TapNode } from './tap-stream.js'

const MAX_YAML_LINES = 500

export interface YamlBlock { node: TapNode, indent: number, lines: string[], startLine: number, cut: number }

/** Take one line into the block; false when the line is outside it (dedented), so the block ended unclosed. */
export function takeYamlLine (y: YamlBlock, raw: string): boolean {
  if (raw.trim() !== '' && indentOf(raw) < y.indent) return false
  if (y.lines.length < MAX_YAML_LINES) y.lines.push(raw.slice(Math.min(y.indent, indentOf(raw))))
  else y.cut++
  return true
}

export function finishYaml (y: YamlBlock): void {
  const kept: string[] = []
  for (const l of dedent(y.lines.join('\n')).split('\n')) {
    const m = /^duration_ms:\s*([0-9.eE+-]+)\s*$/.exec(l)
    if (m === null) {
      kept.push(l)
      continue
    }
    // The duration has its own field; in the detail it would only be noise.
    const ms = Math.round(Number(m[1]))
    if (Number.isSafeInteger(ms) && ms >= 0) y.node.duration = ms // a result holds durations as safe integers
  }
  y.node.yaml = kept.join('\n') + (y.cut > 0 ? `\n[... ${y.cut} more lines]` : '')
}
