import type { Infer, Schema } from './schema-kit';

/**
 * What a message carries about people:
 * - `none`: nothing personal (ids, statuses, times, amounts);
 * - `reference`: a reference to the per-order encrypted record (`personalDataRef`), never the data itself;
 * - `inbound-clear`: data in clear, only on inbound topics where an upstream system hands it to us; the consuming
 *   service seals it into the encrypted record before anything is stored in an event.
 */
export type PersonalDataPolicy = 'none' | 'reference' | 'inbound-clear';

/**
 * One version of one message type. The `event-type` header carries `name`, `schema-version` carries `version`;
 * a breaking change (removed, renamed or re-meant field) is a new definition with `version + 1` on the same topic,
 * and consumers keep decoding the old one until no producer sends it.
 */
export interface MessageDefinition<TName extends string = string, TVersion extends number = number, TPayload = unknown> {
  readonly name: TName;
  readonly version: TVersion;
  readonly topic: string;
  /** The top-level payload property whose value is the Kafka key (keeps one order's messages in one partition). */
  readonly keyField: keyof TPayload & string;
  readonly summary: string;
  readonly personalData: PersonalDataPolicy;
  readonly schema: Schema<TPayload>;
  /** A valid payload: documents the type in AsyncAPI; a test checks the schema accepts it. */
  readonly example: TPayload;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMessageDefinition = MessageDefinition<string, number, any>;

export type PayloadOf<D> = D extends MessageDefinition<string, number, infer P> ? P : never;

/**
 * Declares a message type. The payload type is inferred from the schema (see schema-kit), name and version as
 * literals; the example must be a payload and the key field one of its properties. Export the payload type beside
 * it: `export type ExternalOrderAcceptedV1 = PayloadOf<typeof externalOrderAcceptedV1>`.
 */
export const defineMessage = <const TName extends string, const TVersion extends number, S extends Schema<object>>(
  definition: Omit<MessageDefinition<TName, TVersion, Infer<S>>, 'schema'> & { readonly schema: S },
): MessageDefinition<TName, TVersion, Infer<S>> => definition as MessageDefinition<TName, TVersion, Infer<S>>;

/** The stable id of one version of a message type, e.g. `ExternalOrderAcceptedV1` (AsyncAPI message ids). */
export const messageId = (definition: AnyMessageDefinition): string => `${definition.name}V${definition.version}`;
