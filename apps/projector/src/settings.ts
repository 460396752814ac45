import { Matches } from 'class-validator';
import { declareSettings, TOPIC_PREFIX_DEFAULTS, TopicPrefixVariables } from '@orders/service-kit';
import { TOPIC, topicDefinition } from '@orders/contracts';
import { CatalogueTopics } from '@orders/messaging/nest';
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
  /** The platform's one naming scheme under TOPIC_PREFIX (empty in production), as every service's topics. */
  readonly topics: CatalogueTopics;
  readonly sourceTopics: readonly string[];
  readonly stateTopic: string;
  /** Maps a physical topic back to its catalogue name for decoding. */
  logicalTopic(topic: string): string;
}

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const NAME_MESSAGE = 'must be a PostgreSQL schema name (lower-case letters, digits, "_")';

/** The projector's variables, validated with the kit's at start-up. */
class ProjectorVariables extends TopicPrefixVariables {
  @Matches(NAME, { message: NAME_MESSAGE })
  PROJECTOR_SCHEMA!: string;

  @Matches(NAME, { message: NAME_MESSAGE })
  PROJECTOR_OUTBOX_SCHEMA!: string;

  @Matches(NAME, { message: NAME_MESSAGE })
  PROJECTOR_INBOX_SCHEMA!: string;

  /** Empty: `<prefix>projector`. */
  @Matches(/^[\w.-]{0,200}$/, { message: 'only letters, digits, ".", "_" and "-" are allowed' })
  PROJECTOR_GROUP_ID!: string;
}

/** Read by the service kit's configuration, the only reader of the environment. */
export const projectorSettings = declareSettings({
  token: PROJECTOR_SETTINGS,
  variables: ProjectorVariables,
  defaults: {
    PROJECTOR_SCHEMA: DEFAULT_READ_MODEL_SCHEMA,
    PROJECTOR_OUTBOX_SCHEMA: 'state_outbox',
    PROJECTOR_INBOX_SCHEMA: 'messaging',
    PROJECTOR_GROUP_ID: '', ...TOPIC_PREFIX_DEFAULTS,
  },
  build: (env): ProjectorSettings => {
    const topics = new CatalogueTopics(env.TOPIC_PREFIX, topicDefinition);
    return {
      schema: env.PROJECTOR_SCHEMA,
      outboxSchema: env.PROJECTOR_OUTBOX_SCHEMA,
      inboxSchema: env.PROJECTOR_INBOX_SCHEMA,
      groupId: env.PROJECTOR_GROUP_ID || topics.group('projector'),
      topics,
      sourceTopics: SOURCE_TOPICS.map((topic) => topics.name(topic)),
      stateTopic: topics.name(TOPIC.orderState),
      logicalTopic: (topic) => topics.canonical(topic),
    };
  },
});
