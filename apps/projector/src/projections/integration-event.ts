/**
 * One integration event as the projector keeps it: the decoded payload with its envelope and where it came from.
 * The projections read only this shape, so they stay pure and equally usable live (from Kafka) and in a rebuild
 * (from the journal).
 */
export interface IntegrationEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** The catalogue topic (without any test suffix). */
  readonly topic: string;
  readonly orderId: string;
  readonly tenantId: string;
  /** RFC 3339, when the fact happened at the source. */
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
}
