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
  /** Appended to every topic name: staging copies and isolated tests; empty in production. */
  readonly topicSuffix: string;
  readonly sourceTopics: readonly string[];
  readonly stateTopic: string;
  /** Maps a physical topic back to its catalogue name for decoding. */
  logicalTopic(topic: string): string;
}

export function readProjectorSettings(env: Record<string, string | undefined> = process.env): ProjectorSettings {
  const suffix = env.PROJECTOR_TOPIC_SUFFIX ?? '';
  return {
    schema: env.PROJECTOR_SCHEMA ?? DEFAULT_READ_MODEL_SCHEMA,
    outboxSchema: env.PROJECTOR_OUTBOX_SCHEMA ?? 'state_outbox',
    inboxSchema: env.PROJECTOR_INBOX_SCHEMA ?? 'messaging',
    groupId: env.PROJECTOR_GROUP_ID ?? 'projector',
    topicSuffix: suffix,
    sourceTopics: SOURCE_TOPICS.map((topic) => `${topic}${suffix}`),
    stateTopic: `${TOPIC.orderState}${suffix}`,
    logicalTopic: (topic) => (suffix && topic.endsWith(suffix) ? topic.slice(0, -suffix.length) : topic),
  };
}
