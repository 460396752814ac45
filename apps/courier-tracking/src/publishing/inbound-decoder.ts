import { createInboundDecoder, UUID_PATTERN } from '@orders/contracts';
import type { Decoder } from '@orders/messaging';
import type { CourierTopics } from './courier-topics';

const uuid = new RegExp(UUID_PATTERN);

/**
 * Types whose `orderId` becomes a delivery id. The HTTP API refuses a delivery id that is not a UUID (422), so the
 * Kafka path refuses it too: dead-lettered as invalid with the reason, instead of accepted and silently ignored.
 */
const DELIVERY_ID_TYPES: ReadonlySet<string> = new Set(['ExternalOrderAccepted']);

/** The catalogue decoder, then the delivery id rule; prefixed topics are decoded under their catalogue names. */
export const inboundDecoder = (topics: Pick<CourierTopics, 'canonical'>): Decoder => {
  const decode = createInboundDecoder({ topicAliases: (topic) => topics.canonical(topic) });
  return (raw) => {
    const decoded = decode(raw);
    if (!decoded.ok || !DELIVERY_ID_TYPES.has(decoded.type)) return decoded;
    const { orderId } = decoded.payload as { orderId: string };
    if (uuid.test(orderId)) return decoded;
    return { ok: false, classification: 'invalid', reason: `${decoded.type} v1: orderId INVALID_VALUE (a delivery id is a UUID, as the HTTP API requires)` };
  };
};
