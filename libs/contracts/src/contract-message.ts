import type { AnyMessageDefinition, PayloadOf } from './message-definition';
import { assertValidPayload } from './validation';

/** A payload of one message definition, ready for a producer: Kafka key, envelope type and version, the value. */
export interface ContractMessage<D extends AnyMessageDefinition> {
  readonly key: string;
  readonly value: PayloadOf<D>;
  readonly eventType: D['name'];
  readonly schemaVersion: D['version'];
}

/**
 * The one way a mapper makes a public message: the payload is typed by its definition (a mapper that drifts from
 * the contract fails to compile) and checked against its schema (a wrong value fails here, in the producer, instead
 * of dead-lettering in every consumer). The key is the definition's key field, so one order's messages share a
 * partition.
 */
export function contractMessage<D extends AnyMessageDefinition>(definition: D, payload: PayloadOf<D>): ContractMessage<D> {
  assertValidPayload(definition, payload);
  const key = String((payload as Record<string, unknown>)[definition.keyField]);
  return { key, value: payload, eventType: definition.name, schemaVersion: definition.version };
}
