// The projector's producer (state records with tombstones, journal replays with their original headers) is the
// messaging library's plain publisher: idempotent, acks=all, replaced after a failed send.
export { Publisher as IdempotentProducer } from '@orders/messaging';
