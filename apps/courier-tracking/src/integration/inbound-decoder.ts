import { createInboundDecoder } from '@orders/contracts';
import type { Decoder } from '@orders/messaging';
import type { CourierTopics } from './courier-topics';

/** The catalogue decoder; prefixed topics are decoded under their catalogue names. */
export const inboundDecoder = (topics: CourierTopics): Decoder => createInboundDecoder({ topicAliases: (topic) => topics.canonical(topic) });
