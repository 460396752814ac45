import { TOPIC } from '@orders/contracts';
import type { IntegrationEvent } from './integration-event';
import type { TimelineEntry } from '@orders/read-model-protocol';

/** The service that published a topic (its catalogue name): the timeline's "source" column. */
const SOURCE_BY_TOPIC: Readonly<Record<string, string>> = {
  [TOPIC.orderEvents]: 'intake',
  [TOPIC.deliveryEvents]: 'courier-tracking',
  [TOPIC.cancellationEvents]: 'marketplace-cancellations',
};

export function sourceOf(event: Pick<IntegrationEvent, 'topic'>): string {
  return SOURCE_BY_TOPIC[event.topic] ?? event.topic;
}

/** Who did it, as the payload names them: an operator id, a policy, or the courier app / automatic detection. */
export function actorOf(event: Pick<IntegrationEvent, 'payload'>): string {
  const p = event.payload;
  for (const field of ['acceptedBy', 'rejectedBy', 'confirmedBy', 'decidedBy']) {
    if (typeof p[field] === 'string') return p[field] as string;
  }
  if (typeof p.initiator === 'string') return `initiator:${p.initiator}`;
  return 'system';
}


const byTimeThenPosition = (a: TimelineEntry, b: TimelineEntry): number =>
  a.occurredAt === b.occurredAt
    ? Number(BigInt(a.position) - BigInt(b.position))
    : Date.parse(a.occurredAt) - Date.parse(b.occurredAt);

/**
 * Causal order across services: by occurrence time, except that an event never precedes the event that caused it
 * (`causationId`), whatever the clocks of two services say. A stable topological sort: among the events whose
 * causes are already placed, the earliest (time, then arrival) goes next.
 */
export function causalOrder(entries: readonly TimelineEntry[]): TimelineEntry[] {
  const sorted = [...entries].sort(byTimeThenPosition);
  const ids = new Set(sorted.map((e) => e.eventId));
  const placed = new Set<string>();
  const result: TimelineEntry[] = [];
  const waiting = [...sorted];
  while (waiting.length > 0) {
    const ready = waiting.findIndex(
      (e) => !e.causationId || e.causationId === e.eventId || !ids.has(e.causationId) || placed.has(e.causationId));
    // A cycle in causation ids is corrupt data; fall back to time order rather than loop forever.
    const index = ready === -1 ? 0 : ready;
    const [next] = waiting.splice(index, 1) as [TimelineEntry];
    placed.add(next.eventId);
    result.push(next);
  }
  return result;
}
