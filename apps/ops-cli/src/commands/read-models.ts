import type { OrderStateV1 } from '@orders/contracts';

// The shapes the projector's maintenance entry answers with (its protocol, see projector-operations.ts).

export const SUMMARY_PROJECTION = 'order-summary';
export const TIMELINE_PROJECTION = 'order-timeline';
export const PROJECTIONS = [SUMMARY_PROJECTION, TIMELINE_PROJECTION] as const;

export interface RebuildProgress {
  version: number;
  phase: 'building' | 'switching' | 'done';
  processed: number;
  total: number;
  etaSeconds: number | null;
  resumed: boolean;
}

export interface RebuildResult {
  projection: string;
  version: number;
  previousVersion: number;
  processed: number;
  resumed: boolean;
  interrupted: boolean;
  durationMs: number;
}

export interface RefoldResult {
  version: number;
  orders: number;
  events: number;
}

export interface ProjectionChecksum {
  projection: string;
  version: number | null;
  rows: number;
  checksum: string;
}

export interface OrderAudit {
  orderId: string;
  asOf: string | null;
  timeline: Array<{ eventId: string; type: string; source: string; actor: string; occurredAt: string }>;
  state: OrderStateV1 | null;
  status: string | null;
  erased: boolean;
}

export interface ReplayResult {
  topic: string;
  events: number;
  orders: number;
}
