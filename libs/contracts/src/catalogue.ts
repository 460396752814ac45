import { COURIER_POSITION_MESSAGES, DELIVERY_MESSAGES } from './courier';
import { externalOrderSubmittedV1, INTAKE_MESSAGES } from './intake';
import { CANCELLATION_MESSAGES, MARKET_NOTIFICATION_MESSAGES } from './marketplace';
import { type AnyMessageDefinition, type PayloadOf } from './message-definition';
import { ORDER_STATE_MESSAGES } from './state';
import { type TopicDefinition, TOPICS } from './topics';

/** Every version of every message type, grouped by topic in the order of the topic table. */
export const MESSAGES = [
  externalOrderSubmittedV1,
  ...INTAKE_MESSAGES,
  ...COURIER_POSITION_MESSAGES,
  ...DELIVERY_MESSAGES,
  ...MARKET_NOTIFICATION_MESSAGES,
  ...CANCELLATION_MESSAGES,
  ...ORDER_STATE_MESSAGES,
] as const;

export type CatalogueMessage = (typeof MESSAGES)[number];
export type MessageTypeName = CatalogueMessage['name'];

/** The definition of a catalogue message by name and version, as a type: `DefinitionOf<'ExternalOrderAccepted', 1>`. */
export type DefinitionOf<N extends MessageTypeName, V extends number = number> =
  Extract<CatalogueMessage, { readonly name: N; readonly version: V }>;

/** The payload of a catalogue message by name (all versions, unless one is given). */
export type PayloadOfType<N extends MessageTypeName, V extends number = number> = PayloadOf<DefinitionOf<N, V>>;

/** A topic with the message types it carries. */
export interface TopicEntry extends TopicDefinition {
  readonly messages: readonly AnyMessageDefinition[];
}

export const CATALOGUE: readonly TopicEntry[] = TOPICS.map((topic) => ({
  ...topic,
  messages: MESSAGES.filter((message) => message.topic === topic.name),
}));

const byTopicTypeVersion = new Map<string, AnyMessageDefinition>(
  MESSAGES.map((message) => [lookupKey(message.topic, message.name, message.version), message]),
);

function lookupKey(topic: string, name: string, version: number): string {
  return `${topic}\u0000${name}\u0000${version}`;
}

export function messagesOfTopic(topic: string): readonly AnyMessageDefinition[] {
  return CATALOGUE.find((entry) => entry.name === topic)?.messages ?? [];
}

export function findMessage(topic: string, name: string, version: number): AnyMessageDefinition | undefined {
  return byTopicTypeVersion.get(lookupKey(topic, name, version));
}

/** The newest version of a message type (what producers send unless told otherwise). */
export function latestVersionOf(name: string): AnyMessageDefinition | undefined {
  return MESSAGES.filter((message) => message.name === name)
    .reduce<AnyMessageDefinition | undefined>((latest, message) => (!latest || message.version > latest.version ? message : latest), undefined);
}
