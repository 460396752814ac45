/** The part of a projector audit entry the e2e reads. */
export interface TimelineEntry {
  readonly eventId: string;
  readonly type: string;
  readonly source: string;
  readonly occurredAt: string;
  readonly causationId: string | null;
  readonly correlationId: string;
}

/**
 * Where a timeline breaks causal order: an event listed before the event that caused it (same timeline), or, among
 * causally unrelated events, listed out of time order. Empty when the order is causal.
 */
export function causalOrderViolations(timeline: readonly TimelineEntry[]): string[] {
  const index = new Map(timeline.map((entry, i) => [entry.eventId, i]));
  const problems: string[] = [];
  timeline.forEach((entry, i) => {
    const cause = entry.causationId === null ? undefined : index.get(entry.causationId);
    if (cause !== undefined && cause > i) problems.push(`${entry.type} (#${i}) precedes its cause #${cause}`);
    const previous = timeline[i - 1];
    const causedByPrevious = previous !== undefined && entry.causationId === previous.eventId;
    if (previous && !causedByPrevious && Date.parse(previous.occurredAt) > Date.parse(entry.occurredAt)) {
      problems.push(`${entry.type} (#${i}) at ${entry.occurredAt} listed after ${previous.type} at ${previous.occurredAt}`);
    }
  });
  return problems;
}
