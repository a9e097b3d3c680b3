/**
 * The series view: series, their revisions and reviews (fold), finding them
 * (lookup), their trailers (trailers), where they stand (state) and lists
 * of them (list).
 */
export type { RevisionView, SeriesView } from './model.js'
export { presentPatches } from './model.js'
export { SERIES_TYPES, seriesIndex } from './fold.js'
export { findRevisionView, findSeries } from './lookup.js'
export type { PatchTrailers } from './trailers.js'
export { patchTrailers, trailerKey, trailersByPatch } from './trailers.js'
export { newestDecision, revisionState, revisionsNamed, SERIES_STATES, seriesState, STATE_TYPES } from './state.js'
export type { SeriesFilter } from './list.js'
export { listSeries, sentAt } from './list.js'
