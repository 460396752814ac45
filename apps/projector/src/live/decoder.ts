import { decodeMessage, type CatalogueDecodedMessage } from '@orders/contracts';
import type { Decoder } from '@orders/messaging';
import type { IntegrationEvent } from '../projections/integration-event';

function integrationEventOf(message: CatalogueDecodedMessage): IntegrationEvent {
  const payload = message.payload as unknown as Record<string, unknown>;
  return {
    eventId: message.envelope.eventId, type: message.type, schemaVersion: message.version, topic: message.topic,
    orderId: String(payload.orderId), tenantId: String(payload.tenantId), occurredAt: new Date(message.envelope.occurredAt).toISOString(),
    correlationId: message.envelope.correlationId, causationId: message.envelope.causationId, payload,
  };
}

/**
 * Decodes with the contracts catalogue and hands the consumer runner an IntegrationEvent. `logicalTopic` maps a
 * physical topic to its catalogue name (tests and staging run suffixed copies of the topics). Malformed and invalid
 * messages go to the dead-letter topic, and so does a type or version this catalogue does not know (parked for a
 * redrive once the projector knows it); a tombstone is skipped.
 */
export function integrationEventDecoder(logicalTopic: (topic: string) => string): Decoder {
  return (raw) => {
    const result = decodeMessage(logicalTopic(raw.topic), raw.headers, raw.value, raw.key);
    switch (result.status) {
      case 'ok': return { ok: true, type: result.message.type, payload: integrationEventOf(result.message), id: result.message.envelope.eventId };
      case 'tombstone': return { ok: false, classification: 'ignored', reason: 'tombstone' };
      case 'unknown_type':
        return { ok: false, classification: result.unknown === 'version' ? 'unknown-version' : 'unknown-type', reason: result.reason };
      default: return { ok: false, classification: result.status, reason: result.reason };
    }
  };
}
