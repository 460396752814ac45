import type { JsonSchema } from './schema-kit';

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
  readonly schema: JsonSchema;
  /** A valid payload: documents the type in AsyncAPI and proves (in a test) that the type and the schema agree. */
  readonly example: TPayload;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMessageDefinition = MessageDefinition<string, number, any>;

export type PayloadOf<D> = D extends MessageDefinition<string, number, infer P> ? P : never;

/**
 * Declares a message type. Curried so the payload type is given explicitly while name and version are inferred
 * as literals: `defineMessage<ExternalOrderAcceptedV1>()({ name: 'ExternalOrderAccepted', version: 1, ... })`.
 */
export const defineMessage = <TPayload>() =>
  <const TName extends string, const TVersion extends number>(
    definition: MessageDefinition<TName, TVersion, TPayload>,
  ): MessageDefinition<TName, TVersion, TPayload> => definition;

/** The stable id of one version of a message type, e.g. `ExternalOrderAcceptedV1` (AsyncAPI message ids). */
export const messageId = (definition: AnyMessageDefinition): string => `${definition.name}V${definition.version}`;
