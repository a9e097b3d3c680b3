/**
 * The shapes the TAP/KTAP reader builds: test points (TapNode), the streams
 * they belong to (TapStream: the top level or a subtest), and the options
 * a dialect passes in.
 */
import type { RunnersCode } from '../error-codes.js'
import { TailLines } from './detail.js'
import type { DirectiveSplitter } from './tap-directive.js'
import type { TestPlan, TestStatus } from './types.js'
import type { Warnings } from './warnings.js'

/** A test point (or a group of orphaned subtest results when emit is false). */
export interface TapNode {
  name: string
  emit: boolean
  status: TestStatus
  /** From a test point; false for `missing test N` and groups. Totals count only these. */
  real: boolean
  duration?: number
  reason?: string
  yaml?: string
  log?: TailLines
  children: TapNode[]
}

/** One TAP stream: the top level, or a subtest. */
export class TapStream {
  name: string | undefined
  nextSubtestName: string | undefined
  readonly nodes: TapNode[] = []
  plan: TestPlan | undefined
  planLine = 0
  planAfterTests = false
  lastNumber = 0
  readonly numbers = new Set<number>()
  pending: TapStream | undefined
  lastTest: TapNode | undefined
  readonly notes = new TailLines(200)
  bailed: string | undefined
  hasContent = false
  /** Lines the dialect wants checked when the stream closes (kselftest `# Totals:`). */
  readonly marks: Array<{ line: number, text: string }> = []

  readonly depth: number

  constructor (public indent: number, readonly parent: TapStream | undefined, readonly startLine: number) {
    this.depth = parent === undefined ? 0 : parent.depth + 1
  }
}

export interface EngineOptions {
  code: RunnersCode
  split: DirectiveSplitter
  /** Test::More prints diagnostics after `not ok`; KTAP prints them before the result. */
  comments: 'after' | 'before'
  warnUnknown: boolean
  requirePlan: boolean
  /** kselftest: a binary's `Bail out!` ends only its own stream, the runner goes on. */
  localBail: boolean
  /**
   * kselftest: run_kselftest.sh prints `TAP version 13` and a plan per
   * collection, numbering from 1 again; a version line after results starts
   * a new document in the same stream instead of being an error.
   */
  restartOnVersion: boolean
  /** TAP: a stream indented as a whole (quoted in a log) is still the top level. */
  floatingRoot: boolean
  /** A comment the dialect wants to keep for onClose (returns true to keep it out of details). */
  mark?: (text: string) => boolean
  onClose?: (stream: TapStream, warnings: Warnings) => void
}
