import { TOPIC } from '@orders/contracts';
import { DEFAULT_READ_MODEL_SCHEMA } from './storage/read-model-db';

export const PROJECTOR_SETTINGS = Symbol('PROJECTOR_SETTINGS');

/** The integration-event topics the projector folds (architecture.md topic table: "read models"). */
export const SOURCE_TOPICS = [TOPIC.orderEvents, TOPIC.deliveryEvents, TOPIC.cancellationEvents] as const;

export interface ProjectorSettings {
  /** Schema of the read models (journal, summary versions, rebuilds). */
  readonly schema: string;
  /** Schema of the orders.state.v1 outbox (an event store the relay tails). */
  readonly outboxSchema: string;
  readonly inboxSchema: string;
  readonly groupId: string;
  /** Prepended to every topic and the consumer group, as the other services' *_TOPIC_PREFIX: empty in production. */
  readonly topicPrefix: string;
  readonly sourceTopics: readonly string[];
  readonly stateTopic: string;
  /** Maps a physical topic back to its catalogue name for decoding. */
  logicalTopic(topic: string): string;
}

export function readProjectorSettings(env: Record<string, string | undefined> = process.env): ProjectorSettings {
  const prefix = env.PROJECTOR_TOPIC_PREFIX ?? '';
  if (!/^[\w.-]{0,100}$/.test(prefix)) throw new Error('PROJECTOR_TOPIC_PREFIX: only letters, digits, ".", "_" and "-" are allowed');
  return {
    schema: env.PROJECTOR_SCHEMA ?? DEFAULT_READ_MODEL_SCHEMA,
    outboxSchema: env.PROJECTOR_OUTBOX_SCHEMA ?? 'state_outbox',
    inboxSchema: env.PROJECTOR_INBOX_SCHEMA ?? 'messaging',
    groupId: env.PROJECTOR_GROUP_ID ?? `${prefix}projector`,
    topicPrefix: prefix,
    sourceTopics: SOURCE_TOPICS.map((topic) => `${prefix}${topic}`),
    stateTopic: `${prefix}${TOPIC.orderState}`,
    logicalTopic: (topic) => (prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic),
  };
}
