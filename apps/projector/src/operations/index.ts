/**
 * What operators run against the read-model database without the service: the ops CLI imports this entry
 * (`@orders/projector/src/operations`) and nothing else of the projector.
 */
export { ReadModelDb, DEFAULT_READ_MODEL_SCHEMA } from '../storage/read-model-db';
export { SUMMARY_PROJECTION, TIMELINE_PROJECTION } from '../storage/migrations';
export { SummaryRebuilder, RebuildAlreadyRunning } from '../rebuild/rebuilder';
export type { RebuildOptions, RebuildProgress, RebuildResult } from '../rebuild/rebuilder';
export { refold } from '../rebuild/refold';
export type { RefoldScope, RefoldResult } from '../rebuild/refold';
export { checksum, isProjectionName, PROJECTIONS } from './checksum';
export type { ProjectionChecksum, ProjectionName } from './checksum';
export { auditOrder, statusCounts } from './audit';
export type { AuditEntry, OrderAudit } from './audit';
export { foldSummary } from '../projections/order-state';
export { replayToTopic } from './replay';
export type { ReplayResult, ReplaySelection } from './replay';
