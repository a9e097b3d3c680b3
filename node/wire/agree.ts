/**
 * Compile-time only: types.ts restates, as pure types the browser build can
 * read, what protocol/ and the node define. A drift here fails `tsc -p .`.
 */
import type { MetricComparison } from '../../protocol/metrics.js'
import type { CompareCounts, TestStatus } from '../../protocol/results.js'
import type { NodeStatus } from '../node.js'
import type { CompareCountsJson, FeedJson, MetricComparisonJson, StatusJson, TestStatusJson } from './types.js'

/** true when A and B are the same type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Assert<T extends true> = T

type WireAgrees =
  Assert<Same<TestStatusJson, TestStatus>> &
  Assert<Same<CompareCountsJson, CompareCounts>> &
  Assert<Same<MetricComparisonJson, MetricComparison>> &
  // /api/status and /api/feeds add their own fields to what node.status() says.
  Assert<Same<NodeStatus, Omit<StatusJson, 'types' | 'trusted' | 'identities' | 'feeds'> & { feeds: Array<Omit<FeedJson, 'author' | 'name' | 'own' | 'missing' | 'unindexed'>> }>>
