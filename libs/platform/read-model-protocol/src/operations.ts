import type { OrderStateV1 } from '@orders/contracts';
import type { ProjectionName } from './projections';

// What the projector's maintenance entry answers (apps/projector/src/operations/main.ts) and the ops CLI reads:
// the one definition both sides compile against, so neither drifts from the other.

export interface RebuildProgress {
  projection: string;
  version: number;
  phase: 'building' | 'switching' | 'done';
  processed: number;
  /** The journal's size when the rebuild started (an estimate: live traffic adds to it). */
  total: number;
  elapsedMs: number;
  etaSeconds: number | null;
  resumed: boolean;
}

export interface RebuildResult {
  projection: string;
  version: number;
  previousVersion: number;
  processed: number;
  resumed: boolean;
  /** True when stopped by `stopAfterBatches`: not switched, resumable. */
  interrupted: boolean;
  durationMs: number;
}

/** Which orders a targeted rebuild re-folds. */
export type RefoldScope =
  | { kind: 'order'; orderId: string }
  | { kind: 'company'; tenantId: string }
  | { kind: 'from-position'; position: string }
  | { kind: 'from-time'; at: string };

export interface RefoldResult {
  version: number;
  orders: number;
  events: number;
}

export interface ProjectionChecksum {
  projection: ProjectionName;
  /** The summary version summed (the serving one unless asked); null for the timeline. */
  version: number | null;
  rows: number;
  /** md5 of every row's content in key order: equal read models give equal sums, on any machine. */
  checksum: string;
}

/** One event of an order's cross-service timeline, in causal order. */
export interface TimelineEntry {
  readonly eventId: string;
  readonly type: string;
  readonly source: string;
  readonly actor: string;
  readonly occurredAt: string;
  readonly causationId: string | null;
  readonly correlationId: string;
  /** Arrival order in the projector's journal: the tie-breaker, stable across rebuilds. */
  readonly position: string;
}

/** One event of an audited order's timeline, with where it came from in Kafka. */
export interface AuditEntry extends TimelineEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly payload: Record<string, unknown>;
}

export interface OrderAudit {
  orderId: string;
  /** The instant the state is folded up to (occurrence time), or null for "now". */
  asOf: string | null;
  /** Every event of the order across the three services, in causal order. */
  timeline: AuditEntry[];
  /** The combined state folded from those events (what orders.state.v1 carried then); null when none. */
  state: OrderStateV1 | null;
  status: string | null;
  erased: boolean;
}

export type ReplaySelection = { kind: 'order'; orderId: string } | { kind: 'company'; tenantId: string; since: string };
