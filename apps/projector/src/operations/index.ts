/**
 * What operators run against the read-model database without the service: the maintenance entry (`./main.ts`, run
 * by the ops CLI as a process), the benchmarks and the projector's own specs use this face. The shapes it answers
 * with are the read-model protocol's (`@orders/read-model-protocol`), shared with the ops CLI.
 */
export { ReadModelDb, DEFAULT_READ_MODEL_SCHEMA } from '../storage/read-model-db';
export { SUMMARY_PROJECTION, TIMELINE_PROJECTION, PROJECTIONS, isProjectionName } from '@orders/read-model-protocol';
export type {
  AuditEntry, OrderAudit, ProjectionChecksum, ProjectionName, RebuildProgress, RebuildResult, RefoldResult, RefoldScope,
} from '@orders/read-model-protocol';
export { SummaryRebuilder, RebuildAlreadyRunning } from '../rebuild/rebuilder';
export type { RebuildOptions } from '../rebuild/rebuilder';
export { refold } from '../rebuild/refold';
export { checksum } from '../checksum/checksum';
export { auditOrder } from '../audit/audit-order';
export { statusCounts } from '../status-counts/status-counts';
export { foldSummary } from '../projections/order-state';
