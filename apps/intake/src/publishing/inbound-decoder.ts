import { createInboundDecoder } from '@orders/contracts';
import type { Decoder } from '@orders/messaging';
import type { IntakeTopics } from './intake-topics';

/**
 * Judges consumed messages by the catalogue (headers, JSON, type and version, schema) and tells the runner what
 * to do: hand it over, dead-letter it (malformed, invalid) or skip it (a type of the topic intake does not handle).
 * Prefixed topics are decoded under their catalogue names.
 */
export const inboundDecoder = (topics: IntakeTopics): Decoder => createInboundDecoder({ topicAliases: (topic) => topics.canonical(topic) });
