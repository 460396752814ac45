import type { EventMetadata } from '@orders/event-store';
import { isMissingRelation, quoted, streamsOfOrder, withPool } from '../stores';
import type { StoreTarget } from '../targets';

/** One event of an order as its own store recorded it: who did it and why come from the stored metadata. */
export interface AuditEvent {
  eventId: string;
  source: string;
  streamId: string;
  streamVersion: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  /** The recorded actor (metadata.actor): a person, or `policy:<cause>` for an automatic reaction. */
  actor: string;
  causationId: string | null;
  correlationId: string | null;
  /** The type of the causing event when it is in this timeline. */
  causedBy: string | null;
  metadata: EventMetadata;
}

export interface StoreOutcome {
  service: string;
  streams: string[];
  error?: string;
}

interface EventRow {
  event_id: string;
  stream_id: string;
  stream_version: string;
  type: string;
  metadata: EventMetadata;
  occurred_at: Date;
  recorded_at: Date;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

async function readStore(
  target: StoreTarget,
  orderId: string,
  asOf: Date | undefined,
): Promise<{ events: AuditEvent[]; outcome: StoreOutcome }> {
  try {
    return await withPool(target.connection, async (pool) => {
      const streams = await streamsOfOrder(pool, target, orderId);
      if (streams.length === 0) return { events: [], outcome: { service: target.service, streams } };
      const { rows } = await pool.query<EventRow>(
        `SELECT event_id::text, stream_id, stream_version::text, type, metadata, occurred_at, recorded_at FROM ${quoted(target.schema)}.events
          WHERE stream_id = ANY($1) AND ($2::timestamptz IS NULL OR occurred_at <= $2::timestamptz)
          ORDER BY transaction_id, global_position`,
        [streams, asOf?.toISOString() ?? null],
      );
      const events = rows.map((row): AuditEvent => ({
        eventId: row.event_id,
        source: target.service,
        streamId: row.stream_id,
        streamVersion: Number(row.stream_version),
        type: row.type,
        occurredAt: row.occurred_at.toISOString(),
        recordedAt: row.recorded_at.toISOString(),
        actor: text(row.metadata.actor) ?? 'unknown',
        causationId: text(row.metadata.causationId),
        correlationId: text(row.metadata.correlationId),
        causedBy: null,
        metadata: row.metadata,
      }));
      return { events, outcome: { service: target.service, streams } };
    });
  } catch (error) {
    const message = isMissingRelation(error) ? `no event store in schema ${target.schema}` : (error as Error).message;
    return { events: [], outcome: { service: target.service, streams: [], error: message } };
  }
}

/**
 * Causal order across stores with separate clocks: by occurrence time, except that an event never precedes its
 * cause (a policy's event may carry an earlier business time than the message that triggered it).
 */
export function causalOrder(events: readonly AuditEvent[]): AuditEvent[] {
  const byTime = [...events].sort(
    (a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.recordedAt.localeCompare(b.recordedAt),
  );
  const ids = new Set(byTime.map((e) => e.eventId));
  const placed = new Set<string>();
  const out: AuditEvent[] = [];
  const waiting = new Map<string, AuditEvent[]>();
  const place = (event: AuditEvent): void => {
    out.push(event);
    placed.add(event.eventId);
    const followers = waiting.get(event.eventId) ?? [];
    waiting.delete(event.eventId);
    followers.forEach(place);
  };
  for (const event of byTime) {
    const cause = event.causationId;
    if (cause && cause !== event.eventId && ids.has(cause) && !placed.has(cause))
      waiting.set(cause, [...(waiting.get(cause) ?? []), event]);
    else place(event);
  }
  for (const rest of waiting.values())
    rest.forEach((e) => {
      if (!placed.has(e.eventId)) place(e);
    }); // a causation cycle: keep them
  const typeOf = new Map(out.map((e) => [e.eventId, e.type]));
  return out.map((e) => ({
    ...e,
    causedBy: e.causationId && e.causationId !== e.eventId ? (typeOf.get(e.causationId) ?? null) : null,
  }));
}

/** Every event of the order in every store (internal ones too), with their recorded actor and causation. */
export async function storeTimeline(
  targets: readonly StoreTarget[],
  orderId: string,
  asOf?: Date,
): Promise<{ timeline: AuditEvent[]; stores: StoreOutcome[] }> {
  const results = await Promise.all(targets.map((target) => readStore(target, orderId, asOf)));
  return { timeline: causalOrder(results.flatMap((r) => r.events)), stores: results.map((r) => r.outcome) };
}
