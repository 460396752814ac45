import { type Envelope, envelopeHeaders, type EnvelopeInput, HEADERS_SCHEMA } from './envelope';
import type { AnyMessageDefinition, PayloadOf } from './message-definition';
import { assertValidPayload, ContractViolation, validateAgainst } from './validation';

/** A message ready for a producer: key, headers and JSON value as strings. */
export interface OutboundMessage {
  readonly topic: string;
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: string;
}

/**
 * Builds the Kafka message for one integration event: key from the definition's key field, the envelope headers,
 * and the payload as JSON. The payload is validated first, so a mapper bug throws `ContractViolation` in the
 * producing service instead of dead-lettering in every consumer.
 */
export function encodeMessage<D extends AnyMessageDefinition>(definition: D, payload: PayloadOf<D>, envelope: EnvelopeInput): OutboundMessage {
  assertValidPayload(definition, payload);
  const full: Envelope = {
    eventId: envelope.eventId,
    eventType: definition.name,
    schemaVersion: definition.version,
    correlationId: envelope.correlationId ?? envelope.eventId,
    causationId: envelope.causationId ?? null,
    traceparent: envelope.traceparent ?? null,
    occurredAt: envelope.occurredAt,
  };
  const headers = envelopeHeaders(full);
  const headerErrors = validateAgainst(HEADERS_SCHEMA, headers);
  if (headerErrors.length > 0) throw new ContractViolation(`${definition.name} v${definition.version} headers`, headerErrors);
  return {
    topic: definition.topic,
    key: String((payload as Record<string, unknown>)[definition.keyField]),
    headers,
    value: JSON.stringify(payload),
  };
}
