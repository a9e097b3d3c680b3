/**
 * The series view: series, their revisions and reviews as rows (rows,
 * store, build), finding them (lookup), their trailers (trailers), where
 * they stand (facts, state) and lists of them (list).
 */
export type { RevisionView, SeriesView } from './model.js'
export { presentPatches, sentAt } from './model.js'
export { findRevisionView, findSeries, revisionOfEvent } from './lookup.js'
export type { PatchTrailers } from './trailers.js'
export { patchTrailers, trailerKey, trailersByPatch } from './trailers.js'
export { newestDecision, revisionState, SERIES_STATES, seriesState } from './state.js'
export type { SeriesFilter } from './list.js'
export { listSeries } from './list.js'
